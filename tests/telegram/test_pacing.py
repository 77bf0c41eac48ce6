"""The pace's bookkeeping (`Budget`) on a fake clock, checked against the strict fake's limits.

Every test drives time by hand: no sleeping, no timing assertions. The strict
fake's `FloodControl` runs on the same fake clock and says whether Telegram
would have answered 429.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import deque
from collections.abc import Callable
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.config import Settings
from bot.telegram.ratelimit import Budget, GuardedRateLimiter, Lane, Limits
from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.protocol import BotApiError

STEP = 0.001


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def most_in_any_second(times: list[float]) -> int:
    window: deque[float] = deque()
    most = 0
    for at in sorted(times):
        window.append(at)
        while window[0] <= at - 1.0:
            window.popleft()
        most = max(most, len(window))
    return most


def run(
    budget: Budget,
    chats: list[int],
    seconds: float,
    *,
    stall: Callable[[], float] = lambda: 0.0,
    jitter: Callable[[], float] = lambda: 0.0,
    settle: bool = True,
) -> tuple[FloodControl, list[float]]:
    """Everyone always has something to send; a slot's request is admitted after `stall`
    (a database write), then leaves and reaches Telegram `jitter` later."""
    clock = Clock()
    flood = FloodControl(FloodLimits(), clock=clock)
    end = clock.now + seconds
    backlog = deque(chats * 1000)
    held: list[tuple[float, Any]] = []  # (when the guard answers, grant)
    leaving: list[tuple[float, Any]] = []  # (when it reaches Telegram, chat)
    sent: list[float] = []
    while clock.now < end:
        now = clock.now
        while backlog and budget.ready_at(backlog[0], now) <= now:
            held.append((now + stall(), budget.spend(backlog.popleft(), now)))
        for item in [h for h in held if h[0] <= now]:
            grant = item[1]
            if not settle or budget.settle(grant, now) or budget.settle_at(now) <= now:
                held.remove(item)
                leaving.append((now + jitter(), grant.chat))
                sent.append(now)
        for item in [x for x in leaving if x[0] <= now]:
            leaving.remove(item)
            with contextlib.suppress(BotApiError):
                flood.check(item[1])
        clock.now = round(now + STEP, 6)
    return flood, sent


@pytest.fixture
def rng() -> random.Random:
    return random.Random(14)


def test_the_default_pace_leaves_a_margin_under_telegrams_thirty() -> None:
    assert Settings().telegram_messages_per_second <= 25


def test_no_second_holds_more_than_the_pace_and_late_arrivals_are_not_refused(rng) -> None:
    budget = Budget(Limits(per_second=25))
    flood, sent = run(budget, list(range(1, 400)), 6.0, jitter=lambda: rng.uniform(0, 0.12))
    assert most_in_any_second(sent) <= 25
    assert len(sent) >= 25 * 5, "and it does send at the pace"
    assert flood.refused == 0


def test_sends_held_up_by_their_guard_are_counted_when_they_leave(rng) -> None:
    """Admissions stall (a busy database) and resume together: the fake must still see <= 30."""

    def stall() -> float:
        return rng.choice([0.0, 0.0, 0.6, 0.9])

    budget = Budget(Limits(per_second=25))
    flood, sent = run(budget, list(range(1, 400)), 8.0, stall=stall)
    assert most_in_any_second(sent) <= 25
    assert flood.refused == 0

    naive, naive_sent = run(
        Budget(Limits(per_second=25)), list(range(1, 400)), 8.0, stall=stall, settle=False
    )
    assert most_in_any_second(naive_sent) > 30, "counting only when the slot is given is not enough"
    assert naive.refused > 0


def test_both_lanes_draw_on_one_budget() -> None:
    budget = Budget(Limits(per_second=25, burst=25))
    now = 50.0
    for chat in range(1, 26):  # the wave spends the whole second
        budget.spend(chat, now)
    assert budget.ready_at(999, now) >= now + 1.0, "a reply waits for the same second"


def test_one_private_chat_gets_about_a_message_a_second_after_a_small_burst() -> None:
    limits = Limits(per_second=25, chat_per_second=1.0, chat_burst=5)
    budget = Budget(limits)
    now = 10.0
    for _ in range(5):
        assert budget.ready_at(7, now) <= now
        budget.spend(7, now)
        now += 0.05
    assert budget.chat_ready_at(7, now) > now, "the burst is used up"
    assert budget.ready_at(8, now) <= now, "another chat is not held up"
    budget.person_acted(7, now)
    assert budget.chat_ready_at(7, now) <= now, "a person's own action gives some back"


def test_a_group_never_gets_more_than_twenty_in_a_minute_edits_included(rng) -> None:
    group = -100500
    budget = Budget(Limits(per_second=25, chat_per_second=1.0, chat_burst=5, group_per_minute=20))
    flood, sent = run(budget, [group], 200.0, jitter=lambda: rng.uniform(0, 0.3))
    assert flood.refused == 0
    times = sorted(sent)
    for i in range(len(times) - 20):
        assert times[i + 20] - times[i] > 60.0
    assert len(times) >= 60, "it still gets its twenty a minute"


def test_private_chats_at_their_pace_are_never_refused_by_the_chat_limit(rng) -> None:
    budget = Budget(Limits(per_second=25))
    flood, sent = run(budget, [1, 2, 3], 60.0, jitter=lambda: rng.uniform(0, 0.2))
    assert flood.refused == 0
    assert len(sent) >= 3 * 55


def test_a_429_for_one_chat_pauses_only_that_chat() -> None:
    budget = Budget(Limits())
    now = 100.0
    assert budget.refused(7, 5.0, now) is False
    assert budget.ready_at(7, now + 4.9) > now + 4.9
    assert budget.ready_at(7, now + 5.0) <= now + 5.0
    assert budget.ready_at(8, now) <= now, "every other chat carries on"


def test_a_429_in_a_second_chat_soon_after_means_the_whole_bot_waits() -> None:
    budget = Budget(Limits())
    now = 100.0
    budget.refused(7, 3.0, now)
    assert budget.refused(8, 3.0, now + 0.5) is True
    assert budget.ready_at(9, now + 1.0) >= now + 3.5


def test_a_429_naming_no_chat_pauses_everyone() -> None:
    budget = Budget(Limits())
    assert budget.refused(None, 2.0, 10.0) is True
    assert budget.ready_at(1, 10.0) >= 12.0


def test_refusals_far_apart_stay_with_their_chats() -> None:
    budget = Budget(Limits())
    budget.refused(7, 1.0, 100.0)
    assert budget.refused(8, 1.0, 110.0) is False
    assert budget.ready_at(9, 110.0) <= 110.0


def test_a_slot_given_back_does_not_count() -> None:
    budget = Budget(Limits(per_second=2, burst=2))
    first = budget.spend(1, 5.0)
    budget.spend(2, 5.0)
    assert budget.global_ready_at(5.0) > 5.0
    budget.refund(first)
    assert budget.global_ready_at(5.0) <= 5.0


# -- on the event loop (ordering only, never timing) ------------------------------------


async def test_a_chat_that_must_wait_does_not_hold_up_the_others() -> None:
    limiter = GuardedRateLimiter(1000, burst=5)
    pacer = pacer_of(limiter)
    pacer.refused(7, 60.0)
    stuck = asyncio.create_task(pacer.slot(Lane.REPLY, 7))
    await asyncio.sleep(0)
    await asyncio.wait_for(pacer.slot(Lane.REPLY, 8), timeout=10)
    assert not stuck.done()
    stuck.cancel()


async def test_a_429_for_one_chat_lets_other_chats_through_meanwhile() -> None:
    limiter = GuardedRateLimiter(1000, burst=5)
    sent: list[int] = []
    refused_once = asyncio.Event()

    async def call(chat: int) -> dict[str, Any]:
        if chat == 7 and not refused_once.is_set():
            refused_once.set()
            raise RetryAfter(30)
        sent.append(chat)
        return {}

    async def request(chat: int) -> Any:
        return await limiter.process_request(
            call, (chat,), {}, "sendMessage", {"chat_id": chat}, Lane.BULK
        )

    alex = asyncio.create_task(request(7))
    await asyncio.wait_for(refused_once.wait(), timeout=10)
    await asyncio.wait_for(asyncio.gather(*(request(c) for c in (8, 9, 10))), timeout=10)
    assert sent == [8, 9, 10]
    assert not alex.done(), "the refused chat waits out its own pause"
    alex.cancel()


def pacer_of(limiter: GuardedRateLimiter) -> Any:
    return limiter.pacer
