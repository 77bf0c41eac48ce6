"""A Telegram that is far away and strict: round trips, a flood limit, and a clock on replies.

`FarTelegram` is the ordinary `FakeTelegram` with three additions a load test needs:

- every HTTP request takes a round trip (`rtt`, half on the way in, half on the
  way back; a long poll that finds updates pays the way back only);
- more than `limit` messages in any one second are answered with 429, as
  Telegram's global flood limit does (`FakeTelegram.rate_limit_per_sec`);
- every message or edit the bot gets through is timed per chat, and listeners
  hear about it at once, so a simulated person learns the moment they are answered.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.records import Call, UploadedFile
from tests.fakes.telegram_core import FakeTelegram

REPLY_METHODS = OUTPUT_METHODS
"""What a person sees arrive: a message (text, photo, document) or an edit."""

Listener = Callable[[int, float], None]
"""Called with (chat id, monotonic time) from the server's threads."""


class FarTelegram(FakeTelegram):
    def __init__(self, *, rtt: float = 0.05, limit: float | None = 30) -> None:
        super().__init__(rate_limit_per_sec=limit)
        self.rtt = rtt
        self.listeners: list[Listener] = []
        self._outputs: dict[int, list[float]] = defaultdict(list)
        self._outputs_lock = threading.Lock()

    def respond(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
        abort: Callable[[], bool] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """The HTTP entry point: the request travels, is answered, and the answer travels back."""
        half = self.rtt / 2
        if method.lower() != "getupdates":
            time.sleep(half)
        answer = super().respond(method, params, files, token=token, abort=abort)
        time.sleep(half)
        return answer

    def _record(self, entry: Call) -> None:
        super()._record(entry)
        if entry.ok and entry.method in REPLY_METHODS and isinstance(entry.chat_id, int):
            with self._outputs_lock:
                self._outputs[entry.chat_id].append(entry.at)
            for listener in self.listeners:
                listener(entry.chat_id, entry.at)

    def outputs(self, chat_id: int) -> list[float]:
        """When each message or edit reached this chat (monotonic seconds), oldest first."""
        with self._outputs_lock:
            return list(self._outputs.get(chat_id, ()))

    def output_count(self, chat_id: int) -> int:
        with self._outputs_lock:
            return len(self._outputs.get(chat_id, ()))

    def output_total(self) -> int:
        """Messages and edits that got through so far, every chat."""
        with self._outputs_lock:
            return sum(len(times) for times in self._outputs.values())
