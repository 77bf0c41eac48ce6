"""Messages: sending text, reply keyboards and inline keyboards, replies, edits and deletion.

Formatting, length limits and no-op edits fail with Telegram's own 400 descriptions.
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from tests.fakes.chats import ChatsMixin
from tests.fakes.formatting import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    FormattingError,
    parse_text,
    sort_entities,
    trim,
    utf16_len,
)
from tests.fakes.protocol import JSON, api_method, bad_request
from tests.fakes.records import InboxMessage, UploadedFile
from tests.fakes.state import Chat, StoredMessage

PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
SERVICE = ("new_chat_members", "left_chat_member", "migrate_to_chat_id", "migrate_from_chat_id")
"""Service messages the bot sees in any privacy mode."""
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?=\s|$)")


class MessagesMixin(ChatsMixin):
    """What the bot sends and edits, what users post, and how tests read a chat back."""

    # --- what users post --------------------------------------------------------------

    def user_message(
        self, chat_id: int, user_id: int, content: JSON, *, reply_to: int | None = None
    ) -> JSON:
        """A user posts ``content`` (``{"text": ...}``, ``{"photo": [...]}``...) in a chat."""
        with self._lock:
            chat = self._chats[chat_id]
            if chat.private and chat.blocked:
                self.unblock(user_id)  # writing to a blocked bot means restarting it
            chat.started = True
            content = dict(content)
            if "text" in content and "entities" not in content:
                entities = _command_entities(content["text"])
                if entities:
                    content["entities"] = entities
            if reply_to is not None:
                content["reply_to_message"] = _reply_copy(chat.messages[reply_to])
            message = self._store_message(chat, content, sender=self._users[user_id])
            if not self.bot_sees(chat, message):
                return {"message": message}  # privacy mode: not for the bot
            return self.push_update({"message": message})

    def bot_sees(self, chat: Chat, message: JSON) -> bool:
        """Default group privacy mode: in a group the bot gets only commands, replies to
        its own messages and service messages; what people say to each other stays theirs."""
        if chat.private:
            return True
        entities = message.get("entities") or []
        if any(e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities):
            return True
        replied = message.get("reply_to_message") or {}
        if (replied.get("from") or {}).get("id") == self.bot_user["id"]:
            return True
        return any(key in message for key in SERVICE)

    # --- reading a chat back ----------------------------------------------------------

    def messages(
        self, chat_id: int, *, from_bot: bool = True, include_deleted: bool = False
    ) -> list[InboxMessage]:
        """Messages in a chat (by default: the bot's, not deleted), oldest first."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [
                _inbox_message(m)
                for m in chat.messages.values()
                if m.from_bot == from_bot and (include_deleted or not m.deleted)
            ]

    def message(self, chat_id: int, message_id: int) -> InboxMessage:
        """One stored message in its current state."""
        with self._lock:
            return _inbox_message(self._chats[chat_id].messages[message_id])

    def reply_keyboard(self, chat_id: int) -> list[list[str]]:
        """Labels of the reply keyboard currently shown in a chat."""
        with self._lock:
            markup = self._chats[chat_id].reply_keyboard or {}
            return [[button_label(b) for b in row] for row in markup.get("keyboard", [])]

    def transcript(self, chat_id: int) -> str:
        """Human-readable conversation log, handy in assertion messages."""
        with self._lock:
            chat = self._chats.get(chat_id)
            messages = list(chat.messages.values()) if chat else []
            return "\n".join(_transcript_line(m) for m in messages)

    # --- storing and sending ----------------------------------------------------------

    def _store_message(self, chat: Chat, content: JSON, *, sender: JSON | None = None) -> JSON:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message = {
            "message_id": message_id,
            "from": sender or self.bot_user,
            "chat": chat.data,
            "date": int(time.time()),
            **content,
        }
        chat.messages[message_id] = StoredMessage(copy.deepcopy(message), from_bot=sender is None)
        return message

    def _send(self, chat: Chat, params: JSON, content: JSON) -> JSON:
        """Shared tail of every send*: reply markup, reply target, storage."""
        markup = self._reply_markup(chat, params.get("reply_markup"))
        if markup is not None:
            content["reply_markup"] = markup
        replied = self._replied_message(chat, params)
        if replied is not None:
            content["reply_to_message"] = replied
        return self._store_message(chat, content)

    @staticmethod
    def _replied_message(chat: Chat, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        stored = chat.messages.get(int(message_id))
        if stored is None or stored.deleted:
            lenient = reply.get("allow_sending_without_reply")
            if lenient or params.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return _reply_copy(stored)

    @staticmethod
    def _reply_markup(chat: Chat, markup: Any) -> JSON | None:
        """Validate reply_markup; return it if it is shown on the message (inline keyboards)."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return _validated_inline_keyboard(markup)
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request("can't parse reply keyboard markup JSON object")
            chat.reply_keyboard = copy.deepcopy(markup)
            return None
        if markup.get("remove_keyboard"):
            chat.reply_keyboard = None
            return None
        if markup.get("force_reply"):
            return None
        raise bad_request("can't parse reply keyboard markup JSON object")

    # --- text -------------------------------------------------------------------------

    @staticmethod
    def _formatted(params: JSON, key: str, entities_key: str) -> tuple[str, list[JSON]]:
        """Apply parse_mode/entities and the server's trimming to a text or caption."""
        raw = str(params.get(key) or "")
        parse_mode = params.get("parse_mode")
        explicit = params.get(entities_key)
        if explicit is not None:
            if not isinstance(explicit, list):
                raise bad_request(f"can't parse {entities_key} JSON object")
            return trim(raw, sort_entities([dict(e) for e in explicit]))
        if parse_mode and str(parse_mode).lower() not in PARSE_MODES:
            raise bad_request("unsupported parse_mode")
        try:
            return trim(*parse_text(raw, parse_mode))
        except FormattingError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None

    def _message_text(self, params: JSON) -> JSON:
        text, entities = self._formatted(params, "text", "entities")
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:  # code points, not UTF-16 units (tdlib utf8_length)
            raise bad_request("message is too long")
        return {"text": text, "entities": entities}

    def _caption(self, params: JSON) -> JSON:
        caption, entities = self._formatted(params, "caption", "caption_entities")
        if len(caption) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return {"caption": caption, "caption_entities": entities}

    @api_method("sendMessage")
    def _send_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params)
        content = without_empty(self._message_text(params))
        if params.get("link_preview_options"):
            content["link_preview_options"] = params["link_preview_options"]
        return self._send(chat, params, content)

    # --- editing and deleting ---------------------------------------------------------

    def _editable(self, params: JSON) -> tuple[Chat, StoredMessage]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._writable_chat(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return chat, stored

    @staticmethod
    def _apply_edit(stored: StoredMessage, changes: JSON) -> JSON:
        """Replace the given fields (None = remove); refuse no-op edits like Telegram does."""
        current = {key: stored.data.get(key) for key in changes}
        wanted = {key: (value or None) for key, value in changes.items()}
        if {k: v or None for k, v in current.items()} == wanted:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        stored.history.append(copy.deepcopy(stored.data))
        for key, value in wanted.items():
            if value is None:
                stored.data.pop(key, None)
            else:
                stored.data[key] = copy.deepcopy(value)
        stored.data["edit_date"] = int(time.time())
        stored.edited = True
        return copy.deepcopy(stored.data)

    def _inline_markup_for_edit(self, chat: Chat, params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is not None and not (isinstance(markup, dict) and "inline_keyboard" in markup):
            raise bad_request("inline keyboard expected")
        return self._reply_markup(chat, markup)

    @api_method("editMessageText")
    def _edit_message_text(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, stored = self._editable(params)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text = self._message_text(params)
        markup = self._inline_markup_for_edit(chat, params)
        return self._apply_edit(stored, {**text, "reply_markup": markup})

    @api_method("editMessageCaption")
    def _edit_message_caption(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, stored = self._editable(params)
        if "text" in stored.data:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        markup = self._inline_markup_for_edit(chat, params)
        return self._apply_edit(stored, {**caption, "reply_markup": markup})

    @api_method("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, stored = self._editable(params)
        markup = self._inline_markup_for_edit(chat, params)
        return self._apply_edit(stored, {"reply_markup": markup})

    @api_method("deleteMessage")
    def _delete_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        message_id = params.get("message_id")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            raise bad_request("message to delete not found")
        stored.deleted = True
        return True


# --- helpers --------------------------------------------------------------------------------


def without_empty(content: JSON) -> JSON:
    """Drop empty optional fields; the Bot API omits them instead of sending []/""."""
    return {k: v for k, v in content.items() if v not in (None, "", [])}


def button_label(button: Any) -> str:
    """A reply-keyboard button's text, whether sent as a string or a KeyboardButton."""
    return button if isinstance(button, str) else str(button.get("text", ""))


def _reply_copy(stored: StoredMessage) -> JSON:
    data = copy.deepcopy(stored.data)
    data.pop("reply_to_message", None)
    return data


def _inbox_message(stored: StoredMessage) -> InboxMessage:
    data = copy.deepcopy(stored.data)
    return InboxMessage(
        message_id=data["message_id"],
        text=data.get("text", data.get("caption")),
        reply_markup=data.get("reply_markup"),
        edited=stored.edited,
        deleted=stored.deleted,
        raw=data,
        history=tuple(copy.deepcopy(stored.history)),
    )


def _validated_inline_keyboard(markup: JSON) -> JSON:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not str(button.get("text", "")):
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        if not any(action in button for action in INLINE_BUTTON_ACTIONS):
            raise bad_request("text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
            raise bad_request("BUTTON_URL_INVALID")
    return {"inline_keyboard": copy.deepcopy(rows)}


def _command_entities(text: str) -> list[JSON]:
    """bot_command entities, which Telegram adds to user messages automatically."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND_RE.finditer(text)
    ]


def _transcript_line(stored: StoredMessage) -> str:
    data = stored.data
    who = "bot" if stored.from_bot else data["from"].get("first_name", "user")
    body = (
        data.get("text")
        or data.get("caption")
        or next(
            (f"<{k}>" for k in ("document", "photo", "sticker", "voice", "location") if k in data),
            "<message>",
        )
    )
    flags = "".join(
        f" ({flag})" for flag, on in (("edited", stored.edited), ("deleted", stored.deleted)) if on
    )
    rows = (data.get("reply_markup") or {}).get("inline_keyboard", [])
    buttons = " | ".join(b["text"] for row in rows for b in row)
    keyboard = f" [{buttons}]" if buttons else ""
    return f"#{data['message_id']} {who}{flags}: {body}{keyboard}"
