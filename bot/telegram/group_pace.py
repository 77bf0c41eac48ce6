"""Each group's own pace: Telegram allows a bot about 20 messages a minute in one group.

Edits count as much as new messages there, and a Talk Table edits its floor
message on every press. `GroupPace` keeps, per group, the times of what was
sent in the last `window` seconds and makes the next message wait while
`budget` are in it. Waiting edits of one message coalesce: when a newer edit
of the same message arrives, the older one is dropped (only the newest state
is shown), so a burst of presses costs one edit, not one each.

It sits beside the shared rate limiter (`bot.telegram.ratelimit`, which paces
everything and handles 429s) and only ever delays group messages.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

from bot.telegram.ratelimit import GROUP_MARGIN, GROUP_WINDOW

Sleep = Callable[[float], Awaitable[object]]
History = Callable[[int, float], Awaitable[list[float]]]
"""(group, window seconds) -> how many seconds ago each message of that window was sent."""


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids; people's chats positive ones."""
    return chat_id < 0


class GroupPace:
    """At most `budget` messages (sends and edits) in any `window` seconds in one group
    (0: no budget). The window is Telegram's minute and a margin: a message is counted
    here when it leaves, and by Telegram a moment later, when it arrives."""

    def __init__(
        self,
        budget: int,
        window: float = GROUP_WINDOW + GROUP_MARGIN,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        history: History | None = None,
    ) -> None:
        self.budget = budget
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self.history = history
        """What was sent before this process started (a restart mid-talk): read once per
        group, so a new process does not spend a minute the old one already spent."""
        self._sent: dict[int, deque[float]] = {}
        self._newest: dict[tuple[int, int], object] = {}
        self.coalesced = 0
        """Edits dropped because a newer edit of the same message replaced them."""

    def edit(self, chat_id: int, message_id: int) -> object:
        """An edit of this message is coming: it replaces any edit of it still waiting."""
        token = object()
        self._newest[(chat_id, message_id)] = token
        return token

    async def slot(
        self, chat_id: int, edit: tuple[tuple[int, int], object] | None = None
    ) -> float | None:
        """Wait for room in the group's window and take it; returns the moment taken, or
        None when this is an edit that a newer edit of the same message replaced while it
        waited (skip it). Call `settle` with that moment once the request has gone."""
        window = await self._window(chat_id)
        while True:
            if edit is not None and self._newest.get(edit[0]) is not edit[1]:
                self.coalesced += 1
                return None
            now = self.clock()
            while window and window[0] <= now - self.window:
                window.popleft()
            if not self.budget or len(window) < self.budget:
                window.append(now)
                if edit is not None:
                    del self._newest[edit[0]]
                return now
            await self.sleep(window[0] + self.window - now)

    def settle(self, chat_id: int, taken: float) -> None:
        """The request left later than its slot was given (the shared limiter may hold it
        a while): count it from now, so the window frees when Telegram's does."""
        window = self._sent.get(chat_id)
        if window is not None and taken in window:
            window.remove(taken)
            window.append(max(self.clock(), window[-1] if window else taken))

    async def _window(self, chat_id: int) -> deque[float]:
        window = self._sent.get(chat_id)
        if window is None:
            ages = await self.history(chat_id, self.window) if self.history else []
            now = self.clock()
            seen = sorted(now - age for age in ages if 0 <= age < self.window)
            window = self._sent.setdefault(chat_id, deque(seen))  # first reader wins
        return window

    def used(self, chat_id: int) -> int:
        """Messages in the group's current window (for tests and logs)."""
        now = self.clock()
        return sum(1 for t in self._sent.get(chat_id, ()) if t > now - self.window)
