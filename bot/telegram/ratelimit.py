"""One paced sender with two lanes: replies to someone waiting go first.

Every message-like request (send*, edit*, copy*, forward*) waits for a slot
from one `Pacer`: slots come evenly at `rate` a second, with a small bucket
(`burst`, default 2) for the odd late wake-up of a busy event loop, so no
second ever holds more than burst + rate messages and Telegram need not
answer 429. When several requests wait, a reply (the REPLY lane: answers to a
person's own update) always takes the next slot before a background message
(the BULK lane: check-ins, reminders, weekly pictures), so a 2,000-check-in
wave only uses what replies leave. `answerCallbackQuery` and the other
non-message methods are not paced at all.

A message can carry a `SendGuard` (as PTB's `rate_limit_args`): it names the
lane and is asked right before the request goes on the wire — after the wait
for a slot — so a sender can mark the message "being sent" as late as
possible and a crash while waiting loses nothing.

A flood wait (429 RetryAfter) pauses every lane for the time Telegram asks,
then the request is tried again (up to `max_retries` times).
"""

from __future__ import annotations

import asyncio
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning


class Lane(IntEnum):
    REPLY = 0
    BULK = 1


class SendCancelled(Exception):
    """The guard refused: the sender no longer wants this message sent."""


@dataclass
class SendGuard:
    """Asks `admit` once; later calls (retries after a flood wait) reuse the answer."""

    admit: Callable[[], Awaitable[bool]]
    lane: Lane = Lane.REPLY
    _answer: bool | None = field(default=None, init=False)

    async def check(self) -> bool:
        if self._answer is None:
            self._answer = await self.admit()
        return self._answer

    @property
    def asked(self) -> bool:
        return self._answer is not None


PACED_PREFIXES = ("send", "edit", "copy", "forward")
"""Methods that put something in a chat; Telegram's flood limit counts these."""


def paced(endpoint: str) -> bool:
    return endpoint.startswith(PACED_PREFIXES) and endpoint != "sendChatAction"


class Pacer:
    """Evenly spaced slots, `rate` a second after a bucket of `burst`; lower lanes first."""

    def __init__(self, rate: float, burst: int = 2) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._updated: float | None = None
        self._paused_until = 0.0
        self._queues: tuple[deque[asyncio.Future[None]], ...] = tuple(deque() for _ in Lane)
        self._timer: asyncio.TimerHandle | None = None
        self.granted: list[Lane] = []
        """Lanes in the order slots were given (kept short; for tests and the bench)."""
        self.log: list[tuple[str, Lane]] | None = None
        """When a list: every ("ask", lane) and ("got", lane), in the order they happened."""

    async def slot(self, lane: Lane) -> None:
        loop = asyncio.get_running_loop()
        if self.log is not None:
            self.log.append(("ask", lane))
        if not self.waiting() and self._take(loop.time()):
            self._note(lane)
            return
        future: asyncio.Future[None] = loop.create_future()
        self._queues[lane].append(future)
        self._schedule(loop)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._tokens += 1  # granted, then abandoned: give the slot back
            else:
                self._queues[lane].remove(future)
            raise

    def pause(self, seconds: float) -> None:
        """Telegram asked for a break (flood wait): no slot for anyone until it is over."""
        loop = asyncio.get_running_loop()
        self._paused_until = max(self._paused_until, loop.time() + seconds)
        self._tokens = min(self._tokens, 1.0)

    def waiting(self) -> int:
        return sum(len(q) for q in self._queues)

    def _note(self, lane: Lane) -> None:
        """At the moment the slot is given (a waiter may resume later)."""
        if self.log is not None:
            self.log.append(("got", lane))
        self.granted.append(lane)
        if len(self.granted) > 10_000:
            del self.granted[:5_000]

    def _take(self, now: float) -> bool:
        if now < self._paused_until:
            return False
        if self._updated is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    def _next_at(self, now: float) -> float:
        refill = (1 - self._tokens) / self.rate if self._tokens < 1 else 0.0
        return max(now + refill, self._paused_until)

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._timer is None:
            self._timer = loop.call_at(self._next_at(loop.time()), self._release)

    def _release(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        while self.waiting():
            lane = next(Lane(i) for i, q in enumerate(self._queues) if q)
            queue = self._queues[lane]
            if queue[0].cancelled():
                queue.popleft()
                continue
            if not self._take(loop.time()):
                break
            queue.popleft().set_result(None)
            self._note(lane)
        if self.waiting():
            self._schedule(loop)


class GuardedRateLimiter(BaseRateLimiter[Any]):
    """PTB's rate limiter hook, pacing message-like requests through one `Pacer`."""

    def __init__(self, messages_per_second: float, burst: int = 2, max_retries: int = 3) -> None:
        self.pacer = Pacer(messages_per_second, burst)
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not paced(endpoint):
            return await callback(*args, **kwargs)
        guard = rate_limit_args if isinstance(rate_limit_args, SendGuard) else None
        lane = rate_limit_args if isinstance(rate_limit_args, Lane) else Lane.REPLY
        if guard is not None:
            lane = guard.lane
        for attempt in range(self.max_retries + 1):
            await self.pacer.slot(lane)
            if guard is not None and not await guard.check():
                raise SendCancelled
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pacer.pause(_seconds(exc))
                if attempt == self.max_retries:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover


def _seconds(exc: RetryAfter) -> float:
    """PTB is moving `retry_after` from int to timedelta; accept both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
