"""Start-up that fails in one line: bounded retries for what is not there yet.

At start-up the database (a PostgreSQL container still booting) or Telegram
(a network not up yet) may simply not answer yet. `with_retries` waits for
them with a growing pause, within a time budget, and then gives up with a
`StartupFailed`: one line for the person starting the bot, who needs the
reason, not seventy lines of library internals (which, from
python-telegram-bot, even carry the bot token).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger("bot")

T = TypeVar("T")

FIRST_PAUSE_SECONDS = 0.5
LONGEST_PAUSE_SECONDS = 10.0


class StartupFailed(Exception):
    """Start-up cannot go on; the message is one line, safe to show (no secrets)."""


def one_line(exc: BaseException) -> str:
    """`Type: first line of the message`, for an error nobody phrased for people."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` (or what it wraps) says a server did not answer — worth waiting for."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionError | TimeoutError | socket.gaierror):
            return True
        if type(current).__name__ in _STARTING_UP:
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


_STARTING_UP = frozenset({"CannotConnectNowError", "TooManyConnectionsError"})
"""asyncpg's answers from a PostgreSQL that is starting up or full (by name: no import)."""


async def with_retries(
    what: str,
    attempt: Callable[[], Awaitable[T]],
    budget_seconds: float,
    *,
    transient: Callable[[BaseException], bool] = unreachable,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run `attempt` until it succeeds, retrying transient failures within the budget.

    Pauses grow from half a second to ten; one warning says that we wait, so
    the log stays short however long the wait. Anything not transient is
    raised at once: waiting does not fix a wrong password.
    """
    deadline = clock() + budget_seconds
    pause = FIRST_PAUSE_SECONDS
    attempts = 0
    while True:
        attempts += 1
        try:
            return await attempt()
        except Exception as exc:
            if not transient(exc):
                raise
            left = deadline - clock()
            if left <= 0:
                raise StartupFailed(
                    f"{what} is unreachable ({one_line(exc)}); "
                    f"gave up after {attempts} attempts in {budget_seconds:g} s"
                ) from exc
            if attempts == 1:
                log.warning(
                    "%s is unreachable (%s); trying again for up to %g s",
                    what,
                    type(exc).__name__,
                    budget_seconds,
                )
        await sleep(min(pause, left))
        pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
