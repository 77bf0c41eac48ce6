"""Flood control: Telegram answers 429 with ``retry_after`` when a bot sends too fast.

Modelled on what Telegram documents and does (https://core.telegram.org/bots/faq):

- about 30 messages a second in all (``per_second``);
- about one message a second in any one chat, with short bursts tolerated
  (``chat_per_second``, ``chat_burst``);
- no more than 20 messages a minute in one group (``group_per_minute``);
- once it has said "retry after N", a chat (or the whole bot) is refused
  until those N seconds have passed, however little it sends meanwhile.

The fake's people act at machine speed, where a real person takes a moment
to read and tap; each thing a person does in a chat counts as
``HUMAN_SECONDS`` of that chat's time, so a test walking a dialog quickly is
not refused for what no real person could do, while the bot sending a burst
on its own (a backlog, a loop) still is.

All of it is on by default; ``FloodLimits.off()`` is for a test that says why
it must send unpaced.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.protocol import BotApiError

LIMITED_METHODS = OUTPUT_METHODS
HUMAN_SECONDS = 3.0
"""A person's action stands for the seconds a real one takes to read and tap."""


def too_many_requests(retry_after: int) -> BotApiError:
    """Telegram's flood-control answer."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


@dataclass(frozen=True)
class FloodLimits:
    per_second: float | None = 30.0
    chat_per_second: float | None = 1.0
    chat_burst: int = 20
    group_per_minute: int | None = 20

    @classmethod
    def off(cls) -> FloodLimits:
        """No flood control at all: only for tests that say why they need it."""
        return cls(per_second=None, chat_per_second=None, group_per_minute=None)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class FloodControl:
    """Global sliding window, per-chat token buckets, per-group minute windows, penalties."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.refused = 0
        self.refused_by: Counter[str] = Counter()
        """Refusals by the limit that refused: "global", "chat", "group", or "penalty" (a
        request during a retry_after already given), so a benchmark can say which it met."""
        self._clock = clock
        self._times: deque[float] = deque()
        self._chats: dict[int | str, _Bucket] = {}
        self._groups: dict[int | str, deque[float]] = {}
        self._blocked_until: dict[int | str | None, float] = {}
        """Penalties after a 429: per chat, and None for the whole bot."""

    @property
    def per_second(self) -> float | None:
        return self.limits.per_second

    def person_acted(self, chat_id: int | str) -> None:
        """A person wrote or tapped in `chat_id`: credit that chat with a person's pace."""
        rate = self.limits.chat_per_second
        bucket = self._chats.get(chat_id)
        if rate and bucket is not None:
            bucket.tokens = min(self.limits.chat_burst, bucket.tokens + HUMAN_SECONDS * rate)

    def penalise(self, chat_id: int | str | None, retry_after: int) -> None:
        """Refuse `chat_id` (None: everything) for `retry_after` seconds, as after a 429."""
        until = self._clock() + retry_after
        self._blocked_until[chat_id] = max(self._blocked_until.get(chat_id, 0.0), until)

    def check(self, chat_id: int | str | None = None) -> None:
        """Admit one message now, or raise 429 with the seconds until it would be admitted."""
        now = self._clock()
        for key in (None, chat_id) if chat_id is not None else (None,):
            until = self._blocked_until.get(key, 0.0)
            if now < until:
                self._refuse(key, until - now, "penalty", penalise=False)
        self._check_global(now)
        if chat_id is not None:
            if _is_group(chat_id):
                self._check_group(chat_id, now)
            self._check_chat(chat_id, now)
            self._admit_chat(chat_id, now)
        self._times.append(now)

    def _check_global(self, now: float) -> None:
        limit = self.limits.per_second
        if not limit:
            return
        while self._times and self._times[0] <= now - 1.0:
            self._times.popleft()
        if len(self._times) >= limit:
            self._refuse(None, self._times[0] + 1.0 - now, "global", penalise=False)

    def _check_group(self, chat_id: int | str, now: float) -> None:
        limit = self.limits.group_per_minute
        if not limit:
            return
        window = self._groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) >= limit:
            self._refuse(chat_id, window[0] + 60.0 - now, "group")

    def _check_chat(self, chat_id: int | str, now: float) -> None:
        rate = self.limits.chat_per_second
        if not rate:
            return
        bucket = self._bucket(chat_id, now)
        if bucket.tokens < 1:
            self._refuse(chat_id, (1 - bucket.tokens) / rate, "chat")

    def _admit_chat(self, chat_id: int | str, now: float) -> None:
        if self.limits.group_per_minute and _is_group(chat_id):
            self._groups.setdefault(chat_id, deque()).append(now)
        if self.limits.chat_per_second:
            self._bucket(chat_id, now).tokens -= 1

    def _bucket(self, chat_id: int | str, now: float) -> _Bucket:
        rate = self.limits.chat_per_second or 0.0
        burst = self.limits.chat_burst
        bucket = self._chats.setdefault(chat_id, _Bucket(float(burst), now))
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        return bucket

    def _refuse(
        self, key: int | str | None, wait: float, kind: str, *, penalise: bool = True
    ) -> None:
        self.refused += 1
        self.refused_by[kind] += 1
        retry_after = max(1, math.ceil(wait))
        if penalise:
            self.penalise(key, retry_after)
        raise too_many_requests(retry_after)


def _is_group(chat_id: int | str) -> bool:
    """Groups and channels have negative ids (or an @username for a public one)."""
    return isinstance(chat_id, str) or chat_id < 0
