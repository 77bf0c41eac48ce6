"""Every Bot API call the fake answered, and ways for tests to wait for the bot's next one."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.fakes.records import Call
from tests.fakes.state import FakeState

SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}
)
# What a user sees the bot do in a chat: new messages and edits of earlier ones.
OUTPUT_METHODS = SEND_METHODS | {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}


class CallLogMixin(FakeState):
    """``calls`` in the order they were answered; ``wait_for``/``await_for`` block on new ones."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Call] = []
        self.tokens_seen: list[str] = []

    def _record(self, entry: Call) -> None:
        with self._lock:
            if entry.token and entry.token not in self.tokens_seen:
                self.tokens_seen.append(entry.token)
            self.calls.append(entry)
            self._notify()

    def calls_to(self, method: str) -> list[Call]:
        """All recorded calls of one Bot API method."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int, *, include_failed: bool = False) -> list[Call]:
        """Message-creating calls (sendMessage, sendDocument, ...) aimed at ``chat_id``."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method in SEND_METHODS and c.chat_id == chat_id and (c.ok or include_failed)
            ]

    def mark(self) -> int:
        """Position in :attr:`calls`; pass as ``since`` to only wait for later calls."""
        with self._lock:
            return len(self.calls)

    def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 10.0, *, since: int = 0
    ) -> Call:
        """Block the calling thread until a recorded call (index >= since) matches."""
        deadline = time.monotonic() + timeout
        scanned = since
        with self._cond:
            while True:
                found, scanned = self._scan(predicate, scanned)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(timeout, since))
                self._cond.wait(remaining)

    async def await_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - same signature as wait_for
        *,
        since: int = 0,
    ) -> Call:
        """Like :meth:`wait_for` but yields to the event loop while waiting."""
        deadline = time.monotonic() + timeout
        scanned = since
        while True:
            with self._async_waiter() as waiter:
                with self._lock:
                    found, scanned = self._scan(predicate, scanned)
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(timeout, since))
                await waiter.wait_until(deadline)

    def _scan(self, predicate: Callable[[Call], bool], start: int) -> tuple[Call | None, int]:
        for index in range(start, len(self.calls)):
            if predicate(self.calls[index]):
                return self.calls[index], index + 1
        return None, len(self.calls)

    def _timeout_message(self, timeout: float, since: int) -> str:
        recent = "\n  ".join(repr(c) for c in self.calls[max(since, len(self.calls) - 10) :])
        return f"no matching Bot API call within {timeout}s; recent calls:\n  {recent or '-'}"
