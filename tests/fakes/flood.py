"""Flood control: Telegram answers 429 with ``retry_after`` when a bot sends too fast."""

from __future__ import annotations

import math
import time
from collections import deque

from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.protocol import BotApiError

LIMITED_METHODS = OUTPUT_METHODS


def too_many_requests(retry_after: int) -> BotApiError:
    """Telegram's flood-control answer."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


class FloodControl:
    """A sliding one-second window over send-type calls, like Telegram's global flood limit."""

    def __init__(self, per_second: float | None) -> None:
        self.per_second = per_second
        self.refused = 0
        self._times: deque[float] = deque()

    def check(self) -> None:
        """Admit one send now, or raise 429 with the seconds until the window has room."""
        if not self.per_second:
            return
        now = time.monotonic()
        while self._times and self._times[0] <= now - 1.0:
            self._times.popleft()
        if len(self._times) >= self.per_second:
            self.refused += 1
            retry_after = max(1, math.ceil(self._times[0] + 1.0 - now))
            raise too_many_requests(retry_after)
        self._times.append(now)
