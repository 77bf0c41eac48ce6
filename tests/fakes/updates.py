"""The update queue and getUpdates long polling, including Telegram's 409 conflicts."""

from __future__ import annotations

import copy
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.protocol import JSON, BotApiError, api_method
from tests.fakes.records import UploadedFile
from tests.fakes.state import FakeState

DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "business_connection",
        "business_message",
    }
)


@dataclass
class _Poll:
    limit: int
    deadline: float
    ticket: int


def webhook_conflict() -> BotApiError:
    """getUpdates while a webhook is set."""
    return BotApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


class UpdatesMixin(FakeState):
    """Updates wait in one queue until confirmed (by offset, webhook answer or test hand-off)."""

    def __init__(self) -> None:
        super().__init__()
        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(100_001)
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._poll_ticket = 0
        self._waiting_pollers = 0

    def _webhook_active(self) -> bool:
        """Polling is refused while a webhook is set (WebhooksMixin knows)."""
        return False

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates/webhook; returns it with its ``update_id``."""
        with self._lock:
            update = {"update_id": next(self._update_ids), **copy.deepcopy(update)}
            kind = next(key for key in update if key != "update_id")
            if kind in self._allowed_updates:
                self._updates.append(update)
                self._notify()
            return copy.deepcopy(update)

    def pending_updates(self) -> list[JSON]:
        """Updates queued but not yet confirmed by the bot."""
        with self._lock:
            return copy.deepcopy(list(self._updates))

    def consume_update(self, update_id: int) -> None:
        """Drop a queued update that a test delivered to the bot by hand."""
        with self._lock:
            self._updates = deque(u for u in self._updates if u["update_id"] != update_id)

    def waiting_pollers(self) -> int:
        """How many getUpdates calls are currently in progress (useful to sync tests)."""
        with self._lock:
            return self._waiting_pollers

    def _set_allowed_updates(self, params: JSON) -> None:
        if "allowed_updates" in params:
            self._allowed_updates = frozenset(params["allowed_updates"] or DEFAULT_ALLOWED_UPDATES)

    def _drop_pending(self, params: JSON) -> None:
        if params.get("drop_pending_updates"):
            self._updates.clear()

    # --- getUpdates -------------------------------------------------------------------

    @api_method("getUpdates")
    def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        raise AssertionError("getUpdates is handled by the long-polling paths")

    def _get_updates_blocking(self, params: JSON, abort: Callable[[], bool] | None) -> list[JSON]:
        with self._cond:
            self._preflight("getUpdates", params)
            poll = self._start_poll(params)
            self._waiting_pollers += 1
            try:
                while (result := self._poll_result(poll)) is None:
                    if abort is not None and abort():
                        return []
                    self._cond.wait(min(0.25, max(poll.deadline - time.monotonic(), 0.0)))
                return result
            finally:
                self._waiting_pollers -= 1

    async def _get_updates_async(self, params: JSON) -> list[JSON]:
        with self._lock:
            self._preflight("getUpdates", params)
            poll = self._start_poll(params)
            self._waiting_pollers += 1
        try:
            while True:
                with self._async_waiter() as waiter:
                    with self._lock:
                        result = self._poll_result(poll)
                    if result is not None:
                        return result
                    await waiter.wait_until(poll.deadline)
        finally:
            with self._lock:
                self._waiting_pollers -= 1

    def _start_poll(self, params: JSON) -> _Poll:
        """Validate getUpdates, confirm updates below ``offset`` and supersede older polls."""
        if self._webhook_active():
            raise webhook_conflict()
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        self._set_allowed_updates(params)
        if offset > 0:
            self._updates = deque(u for u in self._updates if u["update_id"] >= offset)
        elif offset < 0:
            self._updates = deque(list(self._updates)[offset:])
        self._poll_ticket += 1
        self._notify()  # an older long poll still waiting now ends with 409
        return _Poll(limit, time.monotonic() + timeout, self._poll_ticket)

    def _poll_result(self, poll: _Poll) -> list[JSON] | None:
        """Updates to return now, or None to keep waiting."""
        if poll.ticket != self._poll_ticket:
            raise BotApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        if self._webhook_active():
            raise webhook_conflict()
        if self._updates or time.monotonic() >= poll.deadline:
            return copy.deepcopy(list(self._updates)[: poll.limit])
        return None
