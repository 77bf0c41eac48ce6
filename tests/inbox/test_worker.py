"""The worker: people side by side, each person's updates one at a time and in order."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.inbox.store import Inbox, Stored
from bot.inbox.ticket import Ticket
from bot.inbox.worker import InboxWorker
from bot.storage.db import session_factory
from tests.inbox.test_store import message
from tests.support.waiting import until


class Recorder:
    """A dispatch that takes a random while and notes who ran when."""

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.running: dict[int, int] = {}
        self.order: dict[int, list[int]] = {}
        self.overlaps = 0
        self.most_at_once = 0

    async def __call__(self, row: Stored, ticket: Ticket) -> None:
        chat = row.chat_id
        if self.running.get(chat):
            self.overlaps += 1
        self.running[chat] = self.running.get(chat, 0) + 1
        self.most_at_once = max(self.most_at_once, sum(self.running.values()))
        await asyncio.sleep(self.random.uniform(0, 0.004))
        self.order.setdefault(chat, []).append(row.update_id)
        self.running[chat] -= 1


@pytest.fixture
def inbox(engine) -> Inbox:
    return Inbox(session_factory(engine))


async def run(worker: InboxWorker) -> None:
    await worker.start()
    try:
        worker.wake()
        for _ in range(500):
            await asyncio.sleep(0.01)
            if not await worker.inbox.waiting():
                break
    finally:
        await worker.stop()


async def test_each_persons_updates_run_alone_and_in_order_while_people_run_side_by_side(
    inbox: Inbox,
) -> None:
    people = list(range(1, 21))
    updates = [message(i + 1, random.Random(i).choice(people)) for i in range(400)]
    recorder = Recorder()
    worker = InboxWorker(inbox, recorder, poll_seconds=0.02)
    for start in range(0, len(updates), 37):  # arriving in batches while work goes on
        await inbox.receive(updates[start : start + 37])
        worker.wake()
    await run(worker)
    sent: dict[int, list[int]] = {}
    for u in updates:
        sent.setdefault(u["message"]["from"]["id"], []).append(u["update_id"])
    assert recorder.order == sent
    assert recorder.overlaps == 0
    assert recorder.most_at_once > 1, "different people were handled at the same time"
    assert worker.handled == 400


async def test_a_failing_update_is_tried_again_and_only_the_last_attempt_is_final(
    inbox: Inbox,
) -> None:
    attempts: list[tuple[int, int, bool]] = []

    async def flaky(row: Stored, ticket: Ticket) -> None:
        attempts.append((row.update_id, ticket.attempt, ticket.last_attempt))
        if (row.update_id == 1 and ticket.attempt < 2) or row.update_id == 2:
            ticket.failed = RuntimeError("boom")

    await inbox.receive([message(1, 5), message(2, 6), message(3, 5)])
    worker = InboxWorker(inbox, flaky, poll_seconds=0.02, retry_seconds=0.001)
    await run(worker)
    assert [a for a in attempts if a[0] == 1] == [(1, 1, False), (1, 2, False)]
    assert [a for a in attempts if a[0] == 2] == [(2, 1, False), (2, 2, False), (2, 3, True)]
    assert [a[0] for a in attempts if a[0] != 2] == [1, 1, 3], "person 5 waited for the retry"
    assert (worker.handled, worker.skipped) == (2, 1)


async def test_an_update_that_cannot_be_read_is_skipped_alone(inbox: Inbox) -> None:
    seen: list[int] = []

    async def picky(row: Stored, ticket: Ticket) -> None:
        if row.update_id == 1:
            raise ValueError("unreadable")
        seen.append(row.update_id)

    await inbox.receive([message(1, 5), message(2, 5)])
    worker = InboxWorker(inbox, picky, poll_seconds=0.02)
    await run(worker)
    assert seen == [2]
    assert worker.skipped == 1


async def nothing_waits(inbox: Inbox) -> bool:
    return not await inbox.waiting()


class Reclaimed(Inbox):
    """An inbox on a clock the test moves, noting each claim's people."""

    def __init__(self, engine) -> None:
        self.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
        super().__init__(session_factory(engine), lambda: self.now, lease=timedelta(minutes=1))
        self.claims: list[list[int]] = []
        self.claimed = asyncio.Event()

    async def claim(self, limit: int) -> dict[int, list[Stored]]:
        found = await super().claim(limit)
        if found:
            self.claims.append(sorted(found))
            self.claimed.set()
        return found


async def test_a_person_claimed_again_while_their_lane_runs_is_still_handled_once_in_order(
    engine,
) -> None:
    """The lease of a running lane ran out (its renewal held up by a busy database on a
    loaded machine), so the claim took the person again. Their updates still go once
    each, in order, by one lane at a time — not by a second lane beside the first,
    which handed every update over twice (the worker once counted 172 of 112)."""
    inbox = Reclaimed(engine)
    entered, release = asyncio.Event(), asyncio.Event()
    seen: list[int] = []

    async def slow_first(row: Stored, ticket: Ticket) -> None:
        seen.append(row.update_id)
        if row.update_id == 1:
            entered.set()
            await release.wait()

    await inbox.receive([message(1, 5), message(2, 5), message(3, 5)])
    worker = InboxWorker(inbox, slow_first, poll_seconds=0.02)
    await worker.start()
    try:
        worker.wake()
        await asyncio.wait_for(entered.wait(), 10)  # update 1 is being handled
        assert inbox.claims == [[5]]
        inbox.claimed.clear()
        inbox.now += 2 * inbox.lease  # the lease ran out under the running lane
        worker.wake()
        await asyncio.wait_for(inbox.claimed.wait(), 10)
        assert inbox.claims == [[5], [5]], "claimed again"
        release.set()
        await until(lambda: nothing_waits(inbox), what="every update handled")
        await worker.idle()
    finally:
        await worker.stop()
    assert seen == [1, 2, 3], "once each, in order"
    assert (worker.handled, worker.repeated) == (3, 0)


async def test_an_update_done_before_it_is_handed_over_is_not_counted_as_handled(
    inbox: Inbox,
) -> None:
    """Another process (or an earlier attempt) finished it first: nothing to count."""
    await inbox.receive([message(1, 5), message(2, 5)])

    async def other_process_first(row: Stored, ticket: Ticket) -> None:
        if row.update_id == 1:
            assert await inbox.finish(1)

    worker = InboxWorker(inbox, other_process_first, poll_seconds=0.02)
    await run(worker)
    assert (worker.handled, worker.repeated) == (1, 1)


async def test_a_lane_that_finds_its_update_done_elsewhere_hands_the_person_back(engine) -> None:
    """Process A's lane stalls on update 1 until its lease runs out; process B takes the
    person and goes on. When A finds update 1 done by B, A stops there: going on beside B
    would hand update 2 over in two processes, and a reply could overtake the one before."""
    first, second = Reclaimed(engine), Reclaimed(engine)
    first.owner, second.owner = "process-a", "process-b"
    a_entered, a_go, b_entered, b_go = (asyncio.Event() for _ in range(4))
    seen: list[tuple[str, int]] = []

    async def stalls_on_first(row: Stored, ticket: Ticket) -> None:
        seen.append(("a", row.update_id))
        if row.update_id == 1:
            a_entered.set()
            await a_go.wait()

    async def stalls_on_second(row: Stored, ticket: Ticket) -> None:
        seen.append(("b", row.update_id))
        if row.update_id == 2:
            b_entered.set()
            await b_go.wait()

    await first.receive([message(1, 5), message(2, 5), message(3, 5)])
    a = InboxWorker(first, stalls_on_first, poll_seconds=0.02)
    b = InboxWorker(second, stalls_on_second, poll_seconds=0.02)
    await a.start()
    try:
        a.wake()
        await asyncio.wait_for(a_entered.wait(), 10)
        second.now = first.now + 2 * first.lease  # A's lease ran out under its lane
        await b.start()
        b.wake()
        await asyncio.wait_for(b_entered.wait(), 10)  # B did update 1, is on update 2
        a_go.set()  # A finds update 1 done by B
        await until(lambda: a.repeated > 0, what="A to find update 1 done")
        await a.idle()
        b_go.set()
        await until(lambda: nothing_waits(second), what="B to handle every update")
        await b.idle()
    finally:
        await a.stop()
        await b.stop()
    assert [u for who, u in seen if who == "a"] == [1], "A stopped where B had taken over"
    assert [u for who, u in seen if who == "b"] == [1, 2, 3]
    assert (a.handled, a.repeated, b.handled) == (0, 1, 3)
