"""The outbox: staged with the turn, admitted once, retried through outages, never repeated."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.outbox.models import CLAIMED, SENDING, SENT, UNKNOWN
from bot.outbox.store import OUTBOX, Outbox, outbox_id
from bot.sending import Outcome
from bot.storage.db import session_factory
from bot.turn import Document, Outbound
from tests.support.clock import Clock

TO_SAM = Outbound(12, 12, "Alex shared: the way you laugh")


@pytest.fixture
def sessions(db_engine):
    return session_factory(db_engine)


@pytest.fixture
def outbox(sessions, clock: Clock) -> Outbox:
    return Outbox(sessions, clock, owner="first")


async def stage(outbox: Outbox, *outs: Outbound) -> list[Outbound]:
    async with outbox.sessions() as session, session.begin():
        return await outbox.stage(session, outs, outbox.clock())


async def row(outbox: Outbox, out: Outbound):
    async with outbox.sessions() as session:
        result = await session.exec(select(OUTBOX).where(OUTBOX.c.id == outbox_id(out.ref)))
        return result.one()


async def test_a_staged_message_is_admitted_once_and_its_words_dropped_when_sent(
    outbox: Outbox,
) -> None:
    (staged,) = await stage(outbox, TO_SAM)
    assert (await row(outbox, staged)).body is not None
    assert await outbox.admit(staged)
    assert not await outbox.admit(staged), "a second sender is refused"
    await outbox.done(staged, Outcome.SENT)
    sent = await row(outbox, staged)
    assert sent.status == SENT and sent.body is None


async def test_a_rolled_back_turn_leaves_no_message(outbox: Outbox, sessions) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await outbox.stage(session, [TO_SAM], outbox.clock())
            raise RuntimeError("the turn failed")
    assert await outbox.reclaim() == []
    async with sessions() as session:
        assert (await session.exec(select(OUTBOX))).all() == []


async def test_attachments_are_sent_as_they_are(outbox: Outbox) -> None:
    file = Outbound(12, 12, attachment=Document("data.json", b"{}"))
    assert await stage(outbox, file) == [file]


async def test_a_message_that_certainly_failed_is_tried_again_after_a_pause(
    outbox: Outbox, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    (staged,) = await stage(outbox, TO_SAM)
    await outbox.admit(staged)
    caplog.set_level(logging.INFO, "bot")
    await outbox.done(staged, Outcome.FAILED)
    assert (await row(outbox, staged)).status == CLAIMED
    assert "a message could not be sent yet; trying again in 0:00:02" in caplog.messages
    await outbox.renew()
    assert await outbox.reclaim() == [], "pausing, and renewing our queue does not skip the pause"
    clock.advance(seconds=3)
    (again,) = await outbox.reclaim()
    assert (again.chat_id, again.text, again.ref) == (12, TO_SAM.text, staged.ref)
    assert await outbox.admit(again)


async def test_a_stopped_process_queue_is_taken_over_and_its_sends_in_flight_never_repeated(
    outbox: Outbox, sessions, clock: Clock
) -> None:
    waiting, in_flight = await stage(outbox, TO_SAM, Outbound(13, 13, "Question 2?"))
    await outbox.admit(in_flight)  # ... and the process dies during the request
    other = Outbox(sessions, clock, owner="second")
    assert await other.reclaim() == [], "the owner's lease still runs"
    clock.advance(seconds=outbox.lease.total_seconds() + 1)
    (taken,) = await other.reclaim()
    assert taken.ref == waiting.ref
    assert (taken.chat_id, taken.user_id, taken.text) == (12, 12, TO_SAM.text), "whole"
    assert not await outbox.admit(waiting), "the first owner lost it"
    assert await other.admit(taken)
    lost = await row(outbox, in_flight)
    assert (lost.status, lost.body) == (UNKNOWN, None), "never repeated, its words dropped"


async def test_a_send_admitted_late_in_its_claim_is_not_taken_for_an_interrupted_one(
    outbox: Outbox, sessions, clock: Clock
) -> None:
    """Admitting a message starts its lease anew: one that waited for its turn until its
    claim's lease had nearly run out is still being sent, not lost, when its request
    outlasts what was left of that lease and another process looks."""
    (staged,) = await stage(outbox, TO_SAM)
    clock.advance(seconds=outbox.lease.total_seconds() - 1)
    assert await outbox.admit(staged)
    clock.advance(seconds=2)  # the request is still under way
    other = Outbox(sessions, clock, owner="second")
    assert await other.reclaim() == []
    assert (await row(outbox, staged)).status == SENDING
    await outbox.done(staged, Outcome.SENT)
    assert (await row(outbox, staged)).status == SENT


async def test_the_only_process_takes_its_crash_leftovers_at_once(
    outbox: Outbox, sessions, clock: Clock
) -> None:
    waiting, in_flight, pausing = await stage(
        outbox, TO_SAM, Outbound(13, 13, "Question 2?"), Outbound(14, 14, "Question 3?")
    )
    await outbox.admit(pausing)
    await outbox.done(pausing, Outcome.FAILED)  # tried again in 2 seconds
    await outbox.admit(in_flight)
    restarted = Outbox(sessions, clock, owner="restarted")
    await restarted.take_over()
    clock.advance(seconds=1)
    assert [m.ref for m in await restarted.reclaim()] == [waiting.ref], "the pause still runs"
    lost = await row(outbox, in_flight)
    assert (lost.status, lost.body) == (UNKNOWN, None), "never repeated, its words dropped"
    clock.advance(seconds=2)
    assert [m.ref for m in await restarted.reclaim()] == [pausing.ref]


async def test_a_stopped_process_queue_is_taken_over_a_batch_at_a_time(
    outbox: Outbox, sessions, clock: Clock
) -> None:
    staged = await stage(outbox, *(Outbound(20 + i, 20 + i, f"m{i}") for i in range(3)))
    other = Outbox(sessions, clock, owner="second")
    clock.advance(seconds=outbox.lease.total_seconds() + 1)
    assert [m.ref for m in await other.reclaim(limit=2)] == [m.ref for m in staged[:2]]
    assert [m.ref for m in await other.reclaim(limit=2)] == [staged[2].ref]


async def test_a_batch_taken_over_is_the_oldest_whatever_was_written_since(
    outbox: Outbox, sessions, clock: Clock
) -> None:
    """Oldest first by the queue's order, whatever was written since: a message tried late
    in its claim and paused (its row rewritten, its pause ending after the others' leases)
    keeps its place. Without an order a database hands rows back as its plan finds them
    (PostgreSQL: by the lease's index, or in the order rows were last written)."""
    paused, *rest = await stage(outbox, *(Outbound(30 + i, 30 + i, f"m{i}") for i in range(3)))
    clock.advance(seconds=outbox.lease.total_seconds() - 1)
    assert await outbox.admit(paused)
    await outbox.done(paused, Outcome.FAILED)  # tried again in 2 seconds: past the others'
    other = Outbox(sessions, clock, owner="second")
    clock.advance(seconds=3)  # every lease and the pause are over
    assert [m.ref for m in await other.reclaim(limit=2)] == [paused.ref, rest[0].ref]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the fast path's
async def test_the_embedded_databases_fast_path_admits_once_with_a_lease_of_its_own(
    db_engine, outbox: Outbox, sessions, clock: Clock
) -> None:
    """On a SQLite file a send is admitted by one prepared statement (`DirectSqlite`):
    only a waiting message is admitted (a double tap's second send, or a message that
    went out, is refused), and admitting starts its lease anew, as the batched path does."""
    from bot.storage.sqlite_direct import DirectSqlite

    outbox.direct = DirectSqlite.for_engine(db_engine)
    (staged,) = await stage(outbox, TO_SAM)
    clock.advance(seconds=outbox.lease.total_seconds() - 1)
    assert await outbox.admit(staged)
    assert not await outbox.admit(staged), "being sent: not admitted twice"
    clock.advance(seconds=2)  # the request is still under way
    assert await Outbox(sessions, clock, owner="second").reclaim() == []
    assert (await row(outbox, staged)).status == SENDING
    await outbox.done(staged, Outcome.SENT)
    assert not await outbox.admit(staged), "sent: never sent again"
    assert (await row(outbox, staged)).status == SENT


async def test_renewing_keeps_our_waiting_claims_and_nobody_elses(
    outbox: Outbox, sessions, clock: Clock
) -> None:
    """A process busy sending keeps its own queue past the lease; a dead process's queue
    is still taken over when its lease runs out."""
    (mine,) = await stage(outbox, TO_SAM)
    dead = Outbox(sessions, clock, owner="dead")
    (theirs,) = await stage(dead, Outbound(13, 13, "Question 2?"))
    clock.advance(seconds=outbox.lease.total_seconds() - 1)
    await outbox.renew()
    clock.advance(seconds=2)  # past the first lease of both
    other = Outbox(sessions, clock, owner="second")
    assert [m.ref for m in await other.reclaim()] == [theirs.ref]
    assert await outbox.admit(mine)
