"""`GroupPace`: each group's budget per window, and waiting edits of one message coalescing."""

from __future__ import annotations

import asyncio

from bot.telegram.group_pace import GroupPace, is_group


class Virtual:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_no_window_ever_holds_more_than_the_budget() -> None:
    clock = Virtual()
    pace = GroupPace(3, 60.0, clock=clock, sleep=clock.sleep)
    granted = []
    for _ in range(7):
        assert await pace.slot(-1) is not None
        granted.append(clock.now)
    assert granted == [0.0, 0.0, 0.0, 60.0, 60.0, 60.0, 120.0]
    assert await pace.slot(-2) is not None  # another group has its own budget
    assert clock.now == 120.0


async def test_a_waiting_edit_is_replaced_by_a_newer_edit_of_the_same_message() -> None:
    clock = Virtual()
    gate = asyncio.Event()

    async def held_sleep(seconds: float) -> None:
        await gate.wait()
        await clock.sleep(seconds)

    pace = GroupPace(1, 60.0, clock=clock, sleep=held_sleep)
    assert await pace.slot(-1) is not None  # the window is full now
    key = (-1, 7)
    older = asyncio.ensure_future(pace.slot(-1, (key, pace.edit(*key))))
    await asyncio.sleep(0)
    newer = asyncio.ensure_future(pace.slot(-1, (key, pace.edit(*key))))
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.wait_for(older, 5) is None  # only the newest state is shown
    assert await asyncio.wait_for(newer, 5) is not None
    assert pace.coalesced == 1 and pace.used(-1) == 1


def test_groups_are_the_negative_ids() -> None:
    assert is_group(-100123) and not is_group(42)


async def test_a_new_process_counts_what_the_last_one_sent_this_minute() -> None:
    clock = Virtual()
    clock.now = 500.0

    async def history(chat_id: int, window: float) -> list[float]:
        assert window == 60.0
        return [50.0, 10.0, 70.0] if chat_id == -1 else []  # 70 s ago is outside the window

    pace = GroupPace(3, 60.0, clock=clock, sleep=clock.sleep, history=history)
    assert await pace.slot(-1) == 500.0
    assert pace.used(-1) == 3
    assert await pace.slot(-1) == 510.0  # waits for the one sent 50 s ago to leave the window
    assert clock.now == 510.0


async def test_a_request_that_left_late_is_counted_from_when_it_left() -> None:
    clock = Virtual()
    pace = GroupPace(1, 60.0, clock=clock, sleep=clock.sleep)
    taken = await pace.slot(-1)
    assert taken == 0.0
    clock.now = 5.0  # the shared limiter held it five seconds
    pace.settle(-1, taken)
    assert await pace.slot(-1) == 65.0
