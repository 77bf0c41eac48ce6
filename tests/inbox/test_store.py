"""The inbox table: stored once, one owner per person, done with the turn, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.inbox.models import DONE, PENDING, SKIPPED
from bot.inbox.store import UPDATES, Inbox, claim_in_session, sender_of
from bot.inbox.ticket import AlreadyHandled, Ticket
from bot.storage.db import session_factory
from tests.support.clock import Clock


def message(update_id: int, user_id: int, text: str = "hi") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "P"},
            "text": text,
        },
    }


@pytest.fixture
def sessions(db_engine):
    return session_factory(db_engine)


@pytest.fixture
def inbox(sessions, clock: Clock) -> Inbox:
    return Inbox(sessions, clock, owner="first")


async def rows(sessions) -> dict[int, Any]:
    async with sessions() as session:
        result = await session.exec(select(UPDATES))
        return {row.update_id: row for row in result.all()}


def test_the_ordering_key_is_whoever_caused_the_update() -> None:
    assert sender_of(message(1, 42)) == 42
    press = {"update_id": 2, "callback_query": {"id": "q", "from": {"id": 7}, "data": "x"}}
    assert sender_of(press) == 7
    post = {"update_id": 3, "channel_post": {"chat": {"id": -100}, "text": "x"}}
    assert sender_of(post) == -100
    assert sender_of({"update_id": 4, "something_new": {}}) == 0


async def test_an_update_that_arrives_twice_is_stored_once(inbox: Inbox, sessions) -> None:
    await inbox.receive([message(1, 42, "first words")])
    await inbox.receive([message(1, 42, "first words"), message(2, 42)])
    stored = await rows(sessions)
    assert sorted(stored) == [1, 2]
    assert "first words" in stored[1].payload


async def test_words_that_no_database_can_store_as_text_are_kept_escaped(
    inbox: Inbox, sessions
) -> None:
    await inbox.receive([message(1, 42, "nul \x00 and a lone \ud800 half")])
    (row,) = (await inbox.claim(10))[42]
    assert row.data()["message"]["text"] == "nul \x00 and a lone \ud800 half"


async def test_a_person_belongs_to_one_process_until_the_lease_runs_out(
    inbox: Inbox, sessions, clock: Clock
) -> None:
    other = Inbox(sessions, clock, owner="second")
    await inbox.receive([message(1, 42), message(2, 42), message(3, 43)])
    claimed = await inbox.claim(10)
    assert {chat: [r.update_id for r in rs] for chat, rs in claimed.items()} == {
        42: [1, 2],
        43: [3],
    }
    assert await other.claim(10) == {}
    clock.advance(seconds=inbox.lease.total_seconds() - 1)
    await inbox.renew()
    clock.advance(seconds=2)
    assert await other.claim(10) == {}, "a renewed lease holds"
    clock.advance(seconds=inbox.lease.total_seconds() + 1)
    assert sorted(await other.claim(10)) == [42, 43], "a dead owner's people are taken over"


async def test_the_oldest_waiting_people_are_claimed_first(inbox: Inbox) -> None:
    await inbox.receive([message(5, 50), message(6, 60), message(7, 50), message(8, 70)])
    assert list(await inbox.claim(2)) == [50, 60]


async def test_a_lane_is_released_only_when_nothing_of_the_person_waits(
    inbox: Inbox, sessions, clock: Clock
) -> None:
    other = Inbox(sessions, clock, owner="second")
    await inbox.receive([message(1, 42)])
    await inbox.claim(10)
    await inbox.finish(1)
    await inbox.receive([message(2, 42)])
    assert [r.update_id for r in await inbox.next_rows(42, after=1)] == [2]
    assert await other.claim(10) == {}, "still ours: update 2 is on its way"
    await inbox.finish(2)
    assert await inbox.next_rows(42, after=2) == []
    await inbox.receive([message(3, 42)])
    assert list(await other.claim(10)) == [42]


async def test_the_done_mark_commits_with_the_turn_and_only_once(
    inbox: Inbox, sessions, clock: Clock
) -> None:
    await inbox.receive([message(1, 42, "private words")])
    ticket = Ticket(1)
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            assert await claim_in_session(session, ticket, clock())
            raise RuntimeError("the turn failed")
    assert (await rows(sessions))[1].status == PENDING, "rolled back with the turn"
    async with sessions() as session, session.begin():
        await claim_in_session(session, ticket, clock())
    done = (await rows(sessions))[1]
    assert done.status == DONE and done.payload is None, "the words go with the turn"
    with pytest.raises(AlreadyHandled):
        async with sessions() as session, session.begin():
            await claim_in_session(session, Ticket(1), clock())


async def test_a_failing_update_is_given_up_after_its_last_attempt(inbox: Inbox, sessions) -> None:
    await inbox.receive([message(1, 42)])
    await inbox.failed_attempt(1, 1, final=False)
    assert (await rows(sessions))[1].attempts == 1
    assert (await inbox.claim(10))[42][0].attempts == 1
    await inbox.failed_attempt(1, 3, final=True)
    row = (await rows(sessions))[1]
    assert row.status == SKIPPED and row.payload is None


async def test_tombstones_are_kept_a_day_then_pruned(inbox: Inbox, sessions, clock: Clock) -> None:
    await inbox.receive([message(1, 42), message(2, 43)])
    await inbox.finish(1)
    clock.advance(hours=24)
    assert await inbox.prune() == 0
    await inbox.receive([message(1, 42)])
    assert (await rows(sessions))[1].status == DONE, "a redelivery within the day is recognised"
    clock.advance(hours=2)
    assert await inbox.prune() == 1
    assert sorted(await rows(sessions)) == [2], "waiting updates are never pruned"
