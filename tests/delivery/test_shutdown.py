"""A graceful shutdown (SIGTERM) loses nothing and repeats nothing.

Stopping the application cancels its jobs, and stopping the inbox worker cancels
the turns still running after a short grace (their replies with them). Through
the gate, the send under way finishes within the grace period and the sends not
yet begun are refused before their admission: they stay `claimed` and the next
process sends them, once. Without the gate, a send cancelled mid-request is
recorded `unknown` (never repeated): the one window left, a single request, since
Telegram has no idempotency key. A send that stops before its outcome is reported
(cancelled, or an error) is reported `unknown` as it stops, so the gate's wait ends
as soon as every send under way has reported, never held by one that cannot.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.delivery.gate import Gate
from bot.inbox.store import Inbox
from bot.inbox.worker import InboxWorker
from bot.outbox.store import OUTBOX, Outbox
from bot.telegram.application import GATE, build_application, drain, outbox_job
from bot.telegram.processor import dispatcher
from bot.turn import Outbound
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.recording_request import deliver as receive
from tests.fakes.recording_request import drain as receive_all
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.nudges.support import make_coach
from tests.support.people import link_rows
from tests.support.waiting import until

CHATS = (2001, 2002, 2003)
GROUP = -100500


class Held(RecordingRequest):
    """The first sendMessage waits, mid-request, until `release` is set."""

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(fake)
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        if url.endswith("/sendMessage") and not self.entered.is_set():
            self.entered.set()
            await self.release.wait()
        return await super().do_request(url, method, request_data, **kw)


@pytest.fixture
def coach(db_engine, content, clock):
    return make_coach(db_engine, content, clock)


async def setup(coach, clock) -> tuple[FakeTelegram, Held, Any, Settings]:
    """Three messages left by a stopped process, ready to be taken over and sent one by one."""
    fake = FakeTelegram()
    for chat in CHATS:
        fake.user(chat, f"P{chat}").send_command("start")
    held = Held(fake)
    settings = Settings(telegram_bot_token=DEFAULT_TOKEN, telegram_send_concurrency=1)
    app = build_application(
        settings, coach, request=held, get_updates_request=RecordingRequest(fake), rate_limit=False
    )
    gone = Outbox(coach.sessions, clock, owner="gone")
    async with coach.sessions() as session, session.begin():
        outs = [Outbound(chat, chat, f"hello {chat}") for chat in CHATS]
        await gone.stage(session, outs, clock.now)
    clock.advance(minutes=1)
    return fake, held, app, settings


async def statuses(coach) -> dict[int, str]:
    async with coach.sessions() as session:
        rows = (await session.exec(select(OUTBOX.c.chat_id, OUTBOX.c.status))).all()
    return dict(rows)


def sent(fake: FakeTelegram) -> Counter[int]:
    return Counter(c.chat_id for c in fake.calls if c.ok and c.method == "sendMessage")


async def restart(coach, clock, app: Any, settings: Settings) -> None:
    """The next process (SQLite: the only one) takes over what was left and sends it."""
    later = Outbox(coach.sessions, clock, owner="next")
    await later.take_over()
    clock.advance(seconds=1)
    coach.outbox = later
    await drain(outbox_job(later, settings), coach, app.bot)


async def test_the_send_under_way_finishes_and_the_rest_wait_for_the_next_process(
    coach, clock
) -> None:
    fake, held, app, settings = await setup(coach, clock)
    gate = Gate()
    async with app:
        assert coach.outbox is not None
        job = outbox_job(coach.outbox, settings)
        sending = asyncio.create_task(drain(job, coach, app.bot, gate=gate))
        await asyncio.wait_for(held.entered.wait(), 10)
        closing = asyncio.create_task(gate.close(grace=10))
        await asyncio.sleep(0)
        assert not closing.done(), "the gate waits for the send under way"
        held.release.set()
        assert await asyncio.wait_for(closing, 10) == 0
        await asyncio.wait_for(sending, 10)
        assert sorted((await statuses(coach)).values()) == ["claimed", "claimed", "sent"]
        assert await drain(job, coach, app.bot, gate=gate) == 0, "a closed gate starts nothing"
        await restart(coach, clock, app, settings)
    assert set((await statuses(coach)).values()) == {"sent"}
    assert sent(fake) == Counter(dict.fromkeys(CHATS, 1)), "each once"


async def test_without_the_gate_a_send_cancelled_mid_request_is_never_repeated(
    coach, clock
) -> None:
    """The window that remains (docs/architecture.md): one request in flight at a kill."""
    fake, held, app, settings = await setup(coach, clock)
    async with app:
        assert coach.outbox is not None
        sending = asyncio.create_task(drain(outbox_job(coach.outbox, settings), coach, app.bot))
        await asyncio.wait_for(held.entered.wait(), 10)
        sending.cancel()  # what stopping the application does to a running job
        with pytest.raises(asyncio.CancelledError):
            await sending
        assert sorted((await statuses(coach)).values()) == ["claimed", "claimed", "unknown"]
        held.release.set()
        await restart(coach, clock, app, settings)
    assert sorted((await statuses(coach)).values()) == ["sent", "sent", "unknown"]
    assert sum(sent(fake).values()) == 2, "the one in flight is not repeated"


async def test_a_send_stopped_before_its_outcome_does_not_hold_the_gate(
    coach, clock, caplog
) -> None:
    """A send under way that is cancelled mid-request never reports an outcome of its
    own: it is reported `unknown` as it stops, so the gate counts nothing under way and
    closes at once instead of waiting out its grace (an hour here) for it."""
    fake, held, app, settings = await setup(coach, clock)
    gate = Gate()
    async with app:
        assert coach.outbox is not None
        job = outbox_job(coach.outbox, settings)
        sending = asyncio.create_task(drain(job, coach, app.bot, gate=gate))
        await asyncio.wait_for(held.entered.wait(), 10)
        assert gate.in_flight == 1, "one send admitted and under way"
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
        assert gate.in_flight == 0, "its stop was reported"
        said = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.delivery"]
        [noted] = [m for m in said if "stopped unreported" in m]
        assert noted in {f"a message to chat {c} stopped unreported: it is unknown" for c in CHATS}
        closing = asyncio.create_task(gate.close(grace=3600))
        await asyncio.sleep(0)
        assert closing.done() and closing.result() == 0, "nothing left to wait for"
        held.release.set()
        await restart(coach, clock, app, settings)
    assert sorted((await statuses(coach)).values()) == ["sent", "sent", "unknown"]
    assert sum(sent(fake).values()) == 2, "the one stopped mid-request is not repeated"


async def handled(worker: InboxWorker, count: int) -> None:
    """Wait (with a deadline) until the worker has handled `count` updates."""
    await until(lambda: worker.handled >= count, what=f"the worker to handle {count} updates")
    await worker.idle()


async def test_a_reply_under_way_finishes_and_a_later_one_waits_for_the_next_process(
    coach, clock
) -> None:
    """Replies to a person's updates (the inbox worker's turns) go through the same gate:
    the one in flight at SIGTERM finishes, one decided after it is refused before its
    request and kept in the outbox; the next process sends it, once."""
    fake = FakeTelegram()
    alex = fake.user(2001, "Alex")
    held = Held(fake)
    settings = Settings(telegram_bot_token=DEFAULT_TOKEN)
    app = build_application(
        settings, coach, request=held, get_updates_request=RecordingRequest(fake), rate_limit=False
    )
    inbox = Inbox(coach.sessions)
    worker = InboxWorker(inbox, dispatcher(app), poll_seconds=0.05)
    async with app:
        gate: Gate = app.bot_data[GATE]
        await worker.start()
        try:
            await inbox.receive([alex.send_command("start")])
            worker.wake()
            await asyncio.wait_for(held.entered.wait(), 10)  # the reply is mid-request
            closing = asyncio.create_task(gate.close(grace=10))
            await asyncio.sleep(0)
            assert not closing.done(), "the gate waits for the reply under way"
            held.release.set()
            assert await asyncio.wait_for(closing, 10) == 0
            await handled(worker, 1)
            first = await statuses_of(coach)
            assert first[0] == "sent" and set(first[1:]) <= {"claimed"}

            await inbox.receive([alex.send_command("help")])  # handled while stopping
            worker.wake()
            await handled(worker, 2)
        finally:
            await worker.stop()
        after = await statuses_of(coach)
        assert after[: len(first)] == first and len(after) > len(first), "a turn ran"
        assert set(after[len(first) :]) == {"claimed"}, "its reply was kept, not sent"
        await restart(coach, clock, app, settings)
    assert set(await statuses_of(coach)) == {"sent"}
    texts = [c.params.get("text") for c in fake.calls if c.ok and c.method == "sendMessage"]
    assert len(texts) == len(after) and len(set(texts)) == len(texts), "each once"


async def statuses_of(coach) -> list[str]:
    """Every outbox row's status, oldest first."""
    async with coach.sessions() as session:
        rows = (await session.exec(select(OUTBOX.c.status).order_by(OUTBOX.c.id))).all()
    return [status for (status,) in rows]


async def test_a_group_reply_decided_after_shutdown_waits_for_the_next_process(
    coach, clock, content
) -> None:
    """A group's replies (the Talk Table) go through the same gate as private ones: a
    reply decided after SIGTERM closed it is refused before its request and kept in the
    outbox, `claimed`; the next process sends it to the group, once."""
    fake = FakeTelegram()
    alex, sam = fake.user(901, "Alex"), fake.user(902, "Sam")
    settings = Settings(telegram_bot_token=DEFAULT_TOKEN)
    request = RecordingRequest(fake)
    app = build_application(
        settings, coach, request=request, get_updates_request=request, rate_limit=False
    )
    async with app:
        for person in (alex, sam):
            await receive(app, person.send_command("start"))
        await link_rows(coach.sessions, alex.id, sam.id)
        group = fake.new_group(GROUP, "Us", alex.id, sam.id)
        fake.add_bot(GROUP, by=alex.id)
        await receive_all(app, fake)
        before = [m.text for m in group.inbox()]
        assert before == [content.t("table_hello", "en", a="Alex", b="Sam")]
        to_group = await statuses_in(coach, GROUP)
        assert to_group == ["sent"], "the group's replies go through the outbox"

        gate: Gate = app.bot_data[GATE]
        assert await gate.close(grace=10) == 0, "nothing under way"
        await receive(app, group.send_command(alex, "talk"))  # handled while stopping
        assert [m.text for m in group.inbox()] == before, "nothing sent once the gate closed"
        kept = await statuses_in(coach, GROUP)
        assert kept[: len(to_group)] == to_group and len(kept) > len(to_group), "a turn ran"
        assert set(kept[len(to_group) :]) == {"claimed"}, "its reply was kept, not sent"
        await restart(coach, clock, app, settings)
    assert set(await statuses_in(coach, GROUP)) == {"sent"}
    after = [m.text for m in group.inbox()]
    assert after[: len(before)] == before and len(after) == len(kept), "each once"
    assert content.t("table_topic", "en", a="Alex", b="Sam") in after


async def statuses_in(coach, chat_id: int) -> list[str]:
    """The status of every outbox row for `chat_id`, oldest first."""
    query = select(OUTBOX.c.status).where(OUTBOX.c.chat_id == chat_id).order_by(OUTBOX.c.id)
    async with coach.sessions() as session:
        return [status for (status,) in (await session.exec(query)).all()]
