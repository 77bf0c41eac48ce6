"""Background jobs on PTB's JobQueue: the nudge sweep sends through the real Application."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from bot.config import load_settings
from bot.nudges.models import SENT
from bot.plugins import Periodic
from bot.telegram.application import build_application, drain, on_started
from bot.turn import Outbound
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.nudges.support import deliveries, make_coach, meet
from tests.support.people import ALEX, SAM, user
from tests.support.waiting import until

TUESDAY_DUE = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # 19:30 in Istanbul


async def test_the_sweep_runs_on_the_job_queue_and_records_each_send(engine, content, clock):
    coach = make_coach(engine, content, clock, nudge_sweep_seconds=0.2)
    fake = FakeTelegram()
    fake.user(ALEX.user_id, "Alex").send_text("/start")
    fake.user(SAM.user_id, "Sam").send_text("/start")
    fake.block(SAM.user_id)
    await meet(coach, ALEX, SAM)
    runs = 0
    job = next(p for p in coach.periodic if p.name == "nudges")

    async def counted() -> list[Outbound]:
        nonlocal runs
        outs = await job.run()
        runs += 1
        return outs

    coach.periodic[coach.periodic.index(job)] = dataclasses.replace(job, run=counted)
    clock.set(TUESDAY_DUE)
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    app = build_application(settings, coach, request=RecordingRequest(fake))
    async with app:
        await app.start()
        await on_started(app, coach)

        async def recorded() -> bool:
            done = [d for d in await deliveries(coach) if d.status not in ("claimed", "sending")]
            return len(done) == 2

        await until(recorded, what="both check-ins recorded")
        [alex_msg] = [c for c in fake.sent_to(ALEX.chat_id) if "check-in" in c.params["text"]]
        assert alex_msg.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "1"
        statuses = {d.user_id: d.status for d in await deliveries(coach)}
        assert statuses == {ALEX.user_id: SENT, SAM.user_id: "blocked"}
        assert not (await user(coach, SAM)).active, "Forbidden marked Sam inactive"

        clock.set(TUESDAY_DUE + timedelta(days=3))  # Friday

        async def friday() -> bool:
            return len(await deliveries(coach)) == 3

        await until(friday, what="Friday's check-in claimed")
        seen = runs
        await until(lambda: runs >= seen + 2, what="two more sweeps")
        assert [d.user_id for d in await deliveries(coach)][-1] == ALEX.user_id
        assert len(await deliveries(coach, SAM)) == 1, "no more attempts for Sam"
        await app.stop()


async def test_a_backlog_drains_in_one_tick_with_the_next_batch_prepared_while_sending():
    fake = FakeTelegram()
    fake.latency = 0.05
    for chat in range(3001, 3008):
        fake.user(chat).send_text("/start")
    batches = [[3001, 3002, 3003], [3004, 3005, 3006], [3007], []]
    events: list[tuple[str, int]] = []

    class Noting(RecordingRequest):
        async def do_request(self, url, method, request_data=None, **kw):  # type: ignore[no-untyped-def]
            answer = await super().do_request(url, method, request_data, **kw)
            if url.endswith("/sendMessage") and request_data is not None:
                events.append(("sent", int(request_data.parameters["chat_id"])))
            return answer

    async def run() -> list[Outbound]:
        events.append(("run", len(events)))
        chats = batches.pop(0)
        await asyncio.sleep(0.02)  # claiming and composing take a moment
        return [Outbound(chat, chat, f"hi {chat}") for chat in chats]

    class Transport:
        outbox = None

        async def mark_unreachable(self, user_id: int) -> None:
            raise AssertionError("nobody blocked the bot")

    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    app = build_application(settings, Transport(), request=Noting(fake), outbox=False)  # type: ignore[arg-type]
    async with app:
        sent = await drain(Periodic("job", 60, run), Transport(), app.bot)  # type: ignore[arg-type]
    assert sent == 7 and batches == [], "run again while it had more, then stopped"
    assert [len(fake.sent_to(chat)) for chat in range(3001, 3008)] == [1] * 7
    kinds = [kind for kind, _ in events]
    second_run = [i for i, kind in enumerate(kinds) if kind == "run"][1]
    last_of_first = max(events.index(("sent", chat)) for chat in (3001, 3002, 3003))
    assert second_run < last_of_first, "the second batch was prepared while the first was sent"
