"""A job's messages (a break's timers) go through the delivery record, like a turn's.

Two processes on one database (SQLite file or PostgreSQL) fire and send at the
same time; one process fires timers and dies before sending. Every return
question arrives exactly once either way.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.coach import Coach
from bot.features import FEATURES
from bot.outbox.store import Outbox, outbox_id
from bot.sending import Outcome
from bot.storage.db import create_engine, session_factory
from bot.turn import Outbound, Person
from tests.cooldown.support import take_break
from tests.support.people import Chat, Router

PEOPLE = 8


@pytest.fixture
def en(content):
    return lambda key, **values: content.t(key, "en", **values)


@pytest.fixture
async def two(db_engine, database_url, content, clock):
    """Two bot processes on one database, each with its own outbox (its own owner name)."""
    other_engine = create_engine(database_url)
    first = Coach(content, session_factory(db_engine), clock, features=FEATURES)
    second = Coach(content, session_factory(other_engine), clock, features=FEATURES)
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    router = Router()
    for i in range(PEOPLE):
        await take_break(Chat(first, Person(6000 + i, 6000 + i, f"P{i}", "en"), router), en)
    for coach in (first, second):  # sending through the outbox from here on
        coach.outbox = Outbox(coach.sessions, clock)
    yield first, second
    await other_engine.dispose()


async def fire(coach: Coach) -> list[Outbound]:
    """One tick of the cooldown timer job: what the timers' turns said (already staged)."""
    job = next(p for p in coach.periodic if p.name == "cooldown-timers")
    return await job.run()


async def send(coach: Coach, outs: list[Outbound]) -> list[Outbound]:
    """What the transport does: admit each message, send it, record that it was sent."""
    assert coach.outbox is not None
    sent = []
    for out in outs:
        if await coach.outbox.admit(out):
            await coach.outbox.done(out, Outcome.SENT)
            sent.append(out)
    return sent


def asks(sent: list[Outbound], en) -> Counter[int]:
    return Counter(o.chat_id for o in sent if o.text == en("cooldown_ask"))


async def test_two_processes_firing_and_sending_at_once_send_each_question_once(
    two, clock, en
) -> None:
    first, second = two
    clock.advance(minutes=20)

    async def tick(coach: Coach) -> list[Outbound]:
        return await send(coach, await fire(coach))

    results = await asyncio.gather(tick(first), tick(second), tick(first), tick(second))
    sent = [o for r in results for o in r]
    assert all(outbox_id(o.ref) is not None for o in sent), "every one is on record"
    clock.advance(minutes=5)  # every lease ran out: anything left would be taken over now
    for coach in (first, second):
        assert coach.outbox is not None
        sent += await send(coach, await coach.outbox.reclaim())
    assert asks(sent, en) == {6000 + i: 1 for i in range(PEOPLE)}


async def test_timers_fired_by_a_process_that_died_are_sent_once_by_another(two, clock, en) -> None:
    first, second = two
    clock.advance(minutes=20)
    fired = await fire(first)  # committed: timers gone, questions staged; then it dies
    assert len(asks(fired, en)) == PEOPLE
    assert second.outbox is not None and first.outbox is not None
    assert await second.outbox.reclaim() == [], "not while the first one's lease runs"
    assert await fire(second) == [], "the timers fired once"
    clock.advance(seconds=first.outbox.lease.total_seconds() + 1)
    taken = await second.outbox.reclaim()
    assert await send(first, fired) == [], "a process that lost its claims is refused"
    sent = await send(second, taken)
    assert asks(sent, en) == {6000 + i: 1 for i in range(PEOPLE)}
    clock.advance(minutes=5)
    assert await second.outbox.reclaim() == []
