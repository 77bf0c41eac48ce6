"""Group commit: each caller's write is done when its call returns; callers that arrive
while a write runs share the next one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.delivery.batch import GroupCommit


class Store:
    def __init__(self) -> None:
        self.written: list[list[int]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.refuse: set[int] = set()

    async def flush(self, items: Sequence[int]) -> list[int]:
        await self.gate.wait()
        if self.refuse & set(items):
            raise RuntimeError("refused")
        self.written.append(list(items))
        return [item * 10 for item in items]


async def test_alone_a_write_goes_at_once_with_its_own_result() -> None:
    store = Store()
    group = GroupCommit(store.flush)
    assert await group.submit(3) == 30
    assert store.written == [[3]]


async def test_writes_asked_for_meanwhile_share_the_next_transaction() -> None:
    store = Store()
    store.gate.clear()
    group = GroupCommit(store.flush)
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)  # the first flush has started and waits on the database
    rest = [asyncio.create_task(group.submit(n)) for n in range(2, 7)]
    await asyncio.sleep(0)
    assert not any(task.done() for task in [first, *rest]), "none returns before its write"
    store.gate.set()
    assert await asyncio.gather(first, *rest) == [10, 20, 30, 40, 50, 60]
    assert store.written == [[1], [2, 3, 4, 5, 6]]


async def test_one_bad_item_fails_only_its_own_caller(caplog: pytest.LogCaptureFixture) -> None:
    store = Store()
    store.gate.clear()
    group = GroupCommit(store.flush)
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)
    store.refuse = {3}
    tasks = [asyncio.create_task(group.submit(n)) for n in (2, 3, 4)]
    store.gate.set()
    assert await first == 10
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == 20 and results[2] == 40
    assert isinstance(results[1], RuntimeError)
    assert [2] in store.written and [4] in store.written
    warned = "a grouped write failed (RuntimeError); writing its items one by one"
    assert warned in [r.getMessage() for r in caplog.records]


async def test_a_batch_never_exceeds_its_limit() -> None:
    store = Store()
    store.gate.clear()
    group = GroupCommit(store.flush, limit=2)
    tasks = [asyncio.create_task(group.submit(n)) for n in range(5)]
    await asyncio.sleep(0)
    store.gate.set()
    await asyncio.gather(*tasks)
    assert all(len(batch) <= 2 for batch in store.written)
    assert sorted(n for batch in store.written for n in batch) == list(range(5))


@pytest.mark.parametrize("cancel_after", [0, 1])
async def test_a_caller_that_gives_up_does_not_stop_the_others(cancel_after: int) -> None:
    store = Store()
    store.gate.clear()
    group = GroupCommit(store.flush)
    quitter = asyncio.create_task(group.submit(1))
    stayer = asyncio.create_task(group.submit(2))
    for _ in range(cancel_after):
        await asyncio.sleep(0)
    quitter.cancel()
    store.gate.set()
    assert await stayer == 20
    written = sorted(n for batch in store.written for n in batch)
    assert written == ([1, 2] if cancel_after else [2]), "a write asked for is finished"
