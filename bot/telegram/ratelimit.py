"""PTB's `AIORateLimiter`, evenly paced, with a last-moment admission check.

Two small additions to the stock limiter:

- Pace: `AsyncLimiter(30, 1)` is a bucket that lets 30 messages out at once
  and then 30 a second more, so a burst can put ~60 messages into one second
  and meet Telegram's flood limit. A small bucket (`burst`, default 2) that
  refills at `rate` spaces messages evenly: no second ever holds more than
  burst + rate messages, and the bucket still absorbs the odd late wake-up
  of a busy event loop, so the average stays at `rate`.
- Admission: a message sent for a background job can carry a `SendGuard` as
  PTB's `rate_limit_args`. The guard is asked right before the request goes on
  the wire — after any wait for a free slot — so a job can mark the message
  "being sent" as late as possible and a crash while waiting loses nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import AIORateLimiter


class SendCancelled(Exception):
    """The guard refused: the job no longer wants this message sent."""


@dataclass
class SendGuard:
    """Asks `admit` once; later calls (retries after a flood wait) reuse the answer."""

    admit: Callable[[], Awaitable[bool]]
    _answer: bool | None = field(default=None, init=False)

    async def check(self) -> bool:
        if self._answer is None:
            self._answer = await self.admit()
        return self._answer

    @property
    def asked(self) -> bool:
        return self._answer is not None


class GuardedRateLimiter(AIORateLimiter):
    def __init__(self, messages_per_second: float, burst: int = 2, max_retries: int = 3) -> None:
        super().__init__(
            overall_max_rate=burst,
            overall_time_period=burst / messages_per_second,
            max_retries=max_retries,
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not isinstance(rate_limit_args, SendGuard):
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        guard = rate_limit_args

        async def guarded(*a: Any, **kw: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
            if not await guard.check():
                raise SendCancelled
            return await callback(*a, **kw)

        return await super().process_request(guarded, args, kwargs, endpoint, data, None)
