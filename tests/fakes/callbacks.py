"""Pressing buttons: callback queries for inline buttons, plain messages for reply buttons."""

from __future__ import annotations

import copy
import itertools
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes.messages import MessagesMixin, button_label
from tests.fakes.protocol import JSON, api_method, bad_request
from tests.fakes.records import UploadedFile
from tests.fakes.state import Chat, StoredMessage

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CALLBACK_TIMEOUT = 15.0
"""Seconds a press may wait for its answer; Telegram's own limit is undocumented, about this."""


@dataclass
class _CallbackQuery:
    chat_id: int
    user_id: int
    pressed_at: float
    answer: JSON | None = None


class CallbacksMixin(MessagesMixin):
    """Each press is a callback query the bot may answer once, and only while it is fresh."""

    callback_timeout: float

    def __init__(self) -> None:
        super().__init__()
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._query_ids = itertools.count(4_611_686_018_427_387_905)

    def press_button(self, chat_id: int, user_id: int, label: str) -> JSON:
        """Press an inline button (by text or callback_data) or a reply-keyboard button."""
        with self._lock:
            chat = self._chats[chat_id]
            for stored in reversed(chat.messages.values()):
                if not stored.from_bot or stored.deleted:
                    continue
                button = _find_inline_button(stored.data, label)
                if button is not None:
                    return self._callback_query(chat, user_id, stored, button)
            if label in [button_label(b) for row in _reply_rows(chat) for b in row]:
                if (chat.reply_keyboard or {}).get("one_time_keyboard"):
                    chat.reply_keyboard = None
                return self.user_message(chat_id, user_id, {"text": label})
            raise LookupError(f"no button {label!r} in chat {chat_id}:\n{self.transcript(chat_id)}")

    def age_callback_queries(self, seconds: float) -> None:
        """Make every pending press `seconds` older, as if the bot had been slow to answer."""
        with self._lock:
            for query in self._callback_queries.values():
                query.pressed_at -= seconds

    def callback_answer(self, query_id: str) -> JSON | None:
        """The answerCallbackQuery parameters given for a pressed button, if answered."""
        with self._lock:
            query = self._callback_queries.get(query_id)
            return copy.deepcopy(query.answer) if query else None

    def _callback_query(
        self, chat: Chat, user_id: int, stored: StoredMessage, button: JSON
    ) -> JSON:
        if "callback_data" not in button:
            raise ValueError(f"button {button!r} has no callback_data; it cannot be pressed")
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = _CallbackQuery(chat.id, user_id, time.monotonic())
        query = {
            "id": query_id,
            "from": self._users[user_id],
            "message": stored.data,
            "chat_instance": str(abs(chat.id) * 1_000_003 + 17),
            "data": button["callback_data"],
        }
        return self.push_update({"callback_query": query})

    @api_method("answerCallbackQuery")
    def _answer_callback_query(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        query = self._callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answer is not None:
            raise bad_request(QUERY_TOO_OLD)
        if time.monotonic() - query.pressed_at > self.callback_timeout:
            raise bad_request(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        return True


def _find_inline_button(message: JSON, label: str) -> JSON | None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    for button in (b for row in rows for b in row):
        if label in (button.get("text"), button.get("callback_data")):
            return button
    return None


def _reply_rows(chat: Chat) -> list[list[Any]]:
    return list((chat.reply_keyboard or {}).get("keyboard", []))
