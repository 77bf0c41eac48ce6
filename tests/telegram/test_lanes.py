"""During a wave of background messages, a person's reply takes the very next slot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.coach import Coach
from bot.config import load_settings
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.inbox.store import Inbox
from bot.inbox.worker import InboxWorker
from bot.plugins import Periodic
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.telegram.application import build_application, drain, on_started
from bot.telegram.processor import dispatcher
from bot.telegram.ratelimit import GuardedRateLimiter, Lane
from bot.turn import Outbound
from tests.engine.dialog_files import write_dialogs
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.telegram.test_inbox import CHAIN

WAVE = 120


@pytest.fixture
async def wired(
    tmp_path: Path, clock
) -> AsyncIterator[tuple[Any, Coach, FakeTelegram, InboxWorker]]:
    content = load_content(write_dialogs(tmp_path / "d", {"welcome.yaml": CHAIN}, topics=[]))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}")
    await migrate(engine)
    coach = Coach(content, session_factory(engine), clock, features=FEATURES)
    fake = FakeTelegram(rate_limit_per_sec=30)
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN, telegram_messages_per_second=28)
    app = build_application(settings, coach, request=RecordingRequest(fake))
    worker = InboxWorker(Inbox(coach.sessions), dispatcher(app), poll_seconds=0.05)
    async with app:
        await on_started(app, coach)
        await worker.start()
        yield app, coach, fake, worker
        await worker.stop()
    await engine.dispose()


async def test_a_reply_during_a_wave_goes_out_before_the_queued_check_ins(wired) -> None:
    app, coach, fake, worker = wired
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, GuardedRateLimiter)
    limiter.pacer.log = events = []
    for chat in range(6000, 6000 + WAVE):
        fake.user(chat).send_text("/start")
        fake.consume_update(fake.pending_updates()[-1]["update_id"])
    admitted: list[int] = []

    class Hooks:
        async def admit(self, out: Outbound) -> bool:
            admitted.append(out.chat_id)
            return True

        async def done(self, out: Outbound, outcome: Any) -> None:
            pass

    batches = [[Outbound(c, c, "How close do you feel today?") for c in range(6000, 6000 + WAVE)]]

    async def run() -> list[Outbound]:
        return batches.pop() if batches else []

    job = Periodic("wave", 60, run, hooks=Hooks(), concurrency=8)
    wave = asyncio.create_task(drain(job, coach, app.bot))
    await fake.await_for(lambda _call: len(fake.calls_to("sendMessage")) >= 20, timeout=30)
    alex = fake.user(7001, "Alex")
    await worker.inbox.receive([alex.send_command("/start")])
    worker.wake()
    await alex.await_reply("Question 1?", timeout=30)
    assert not wave.done(), "the wave was still going when Alex got his answer"
    await wave

    asked = [i for i, (kind, lane) in enumerate(events) if kind == "ask" and lane is Lane.REPLY]
    assert asked, "Alex's reply went through the pacer"
    for i in asked:
        given = [lane for kind, lane in events[i + 1 :] if kind == "got"]
        assert given[0] is Lane.REPLY, "no check-in took a slot while a reply waited"
    assert sorted(admitted) == list(range(6000, 6000 + WAVE)), "each check-in exactly once"
    assert fake.too_many_requests == 0
