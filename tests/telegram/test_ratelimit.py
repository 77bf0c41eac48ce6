"""One pace, two lanes: a reply takes the next slot ahead of any waiting background message."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.telegram.ratelimit import GuardedRateLimiter, Lane, Pacer, SendGuard


async def drained(rate: float = 200.0) -> Pacer:
    pacer = Pacer(rate, burst=1)
    await pacer.slot(Lane.BULK)  # the bucket is empty: everyone from now on waits in line
    pacer.granted.clear()
    return pacer


def granted_from(log: list[tuple[str, Lane]], ask: Lane) -> list[Lane]:
    """The lanes given slots from the moment `ask` first asked for one, in order: on a
    loaded machine the bucket may refill before the wave asks, and a message that took a
    free slot with nobody waiting was never behind anyone."""
    return [lane for what, lane in log[log.index(("ask", ask)) :] if what == "got"]


async def test_a_reply_goes_before_background_messages_already_waiting() -> None:
    pacer = await drained()
    pacer.log = log = []
    wave = [asyncio.create_task(pacer.slot(Lane.BULK)) for _ in range(20)]
    await asyncio.sleep(0)
    reply = asyncio.create_task(pacer.slot(Lane.REPLY))
    await asyncio.gather(*wave, reply)
    after = granted_from(log, Lane.REPLY)
    assert Lane.BULK in after, "background messages were waiting when the reply asked"
    assert after[0] is Lane.REPLY
    assert pacer.granted.count(Lane.BULK) == 20, "the wave still goes, after"


async def test_replies_keep_their_own_order_and_the_wave_uses_what_is_left() -> None:
    pacer = await drained()
    order: list[str] = []

    async def wait(lane: Lane, name: str) -> None:
        await pacer.slot(lane)
        order.append(name)

    pacer.log = log = []
    tasks = [asyncio.create_task(wait(Lane.BULK, f"b{i}")) for i in range(3)]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(wait(Lane.REPLY, f"r{i}")) for i in range(3)]
    await asyncio.gather(*tasks)
    after = granted_from(log, Lane.REPLY)
    assert Lane.BULK in after, "background messages were waiting when the replies asked"
    assert after[:3] == [Lane.REPLY] * 3
    assert [n for n in order if n.startswith("r")] == ["r0", "r1", "r2"]
    assert [n for n in order if n.startswith("b")] == ["b0", "b1", "b2"]


async def test_a_waiter_that_gives_up_does_not_hold_a_slot() -> None:
    pacer = await drained()
    quitter = asyncio.create_task(pacer.slot(Lane.REPLY))
    stayer = asyncio.create_task(pacer.slot(Lane.BULK))
    await asyncio.sleep(0)
    quitter.cancel()
    await stayer
    assert pacer.granted == [Lane.BULK]


async def test_a_callback_answer_is_not_paced_like_a_message() -> None:
    limiter = GuardedRateLimiter(0.5, burst=1)
    calls: list[str] = []

    async def call(name: str) -> dict[str, Any]:
        calls.append(name)
        return {}

    async def request(endpoint: str, lane: Any = None) -> Any:
        return await limiter.process_request(call, (endpoint,), {}, endpoint, {}, lane)

    await request("sendMessage")
    waiting = asyncio.create_task(request("sendMessage", Lane.BULK))
    await asyncio.sleep(0)
    await request("answerCallbackQuery")
    assert calls == ["sendMessage", "answerCallbackQuery"]
    assert not waiting.done(), "the second message still waits for its slot"
    waiting.cancel()


async def test_the_guard_is_asked_only_once_the_slot_is_given() -> None:
    limiter = GuardedRateLimiter(1000, burst=1)
    events: list[str] = []

    async def admit() -> bool:
        events.append("admit")
        return True

    async def call() -> bool:
        events.append("send")
        return True

    guard = SendGuard(admit, Lane.BULK)
    assert await limiter.process_request(call, (), {}, "sendMessage", {}, guard)
    assert events == ["admit", "send"] and limiter.pacer.granted == [Lane.BULK]
