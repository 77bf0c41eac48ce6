"""Wait for a condition with a deadline, never a fixed sleep before an assertion.

A sleep is either too short on a busy machine (a flaky failure) or longer than
needed (a slow suite); polling a condition is as quick as the machine allows and
fails with a message when the deadline passes.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

Condition = Callable[[], bool | Awaitable[bool]]


async def until(condition: Condition, seconds: float = 10.0, what: str = "the condition") -> None:
    """Return as soon as `condition()` (sync or async) is true; fail after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        await asyncio.sleep(0.01)
