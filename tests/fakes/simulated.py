"""Simulated Telegram users and groups that talk to the bot through a ``FakeTelegram``.

Every action queues a realistic Bot API update (for getUpdates/webhooks) and returns the update
dict, so in-process tests can also feed it straight to ``Application.process_update``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.files import tiny_png
from tests.fakes.records import Call, InboxMessage

if TYPE_CHECKING:
    from tests.fakes.telegram_core import FakeTelegram

JSON = dict[str, Any]


def _command_text(command: str, payload: str | None, mention: str | None = None) -> str:
    if not command.startswith("/"):
        command = "/" + command
    if mention:
        command = f"{command}@{mention}"
    return command if payload is None else f"{command} {payload}"


class _ChatView:
    """What a chat looks like from the user's side: the bot's messages and keyboards."""

    def __init__(self, fake: FakeTelegram, chat_id: int) -> None:
        self.fake = fake
        self.chat_id = chat_id

    def inbox(self, *, include_deleted: bool = False) -> list[InboxMessage]:
        """Messages the bot sent here (current text, buttons, edited flag), newest last."""
        return self.fake.messages(self.chat_id, include_deleted=include_deleted)

    def last_message(self) -> InboxMessage | None:
        inbox = self.inbox()
        return inbox[-1] if inbox else None

    def last_text(self) -> str | None:
        """Text (or caption) of the bot's newest message in this chat."""
        message = self.last_message()
        return message.text if message else None

    def reply_keyboard(self) -> list[list[str]]:
        """Labels of the reply keyboard the bot currently shows."""
        return self.fake.reply_keyboard(self.chat_id)

    def transcript(self) -> str:
        return self.fake.transcript(self.chat_id)

    def _is_bot_output(self, call: Call, contains: str | None) -> bool:
        if not (call.ok and call.chat_id == self.chat_id and call.method in OUTPUT_METHODS):
            return False
        result = call.result if isinstance(call.result, dict) else {}
        text = result.get("text", result.get("caption", "")) or ""
        return contains is None or contains in text

    def _as_inbox(self, call: Call) -> InboxMessage:
        return self.fake.message(self.chat_id, call.result["message_id"])


class SimUser(_ChatView):
    """A private-chat user. Create with ``fake.user(id=..., first_name=...)``."""

    def __init__(self, fake: FakeTelegram, user_id: int) -> None:
        super().__init__(fake, user_id)
        self.id = user_id
        self._since = fake.mark()
        self._last_query_id: str | None = None

    @property
    def info(self) -> JSON:
        """The Bot API ``User`` object for this user."""
        return self.fake.user_info(self.id)

    def _message(self, content: JSON, reply_to: int | None = None) -> JSON:
        self._since = self.fake.mark()
        return self.fake.user_message(self.chat_id, self.id, content, reply_to=reply_to)

    def send_text(self, text: str, *, reply_to: int | None = None) -> JSON:
        """Type a message (commands in it get bot_command entities, like in Telegram)."""
        return self._message({"text": text}, reply_to)

    def send_command(self, command: str, payload: str | None = None) -> JSON:
        """Send ``/command`` or ``/command payload`` (e.g. a deep-link start parameter)."""
        return self._message({"text": _command_text(command, payload)})

    def press(self, button: str) -> JSON:
        """Press the newest inline button with this text or callback_data (or a reply button)."""
        self._since = self.fake.mark()
        update = self.fake.press_button(self.chat_id, self.id, button)
        if "callback_query" in update:
            self._last_query_id = update["callback_query"]["id"]
        return update

    def last_answer(self) -> JSON | None:
        """answerCallbackQuery parameters (text, show_alert, ...) for the last press, if any."""
        if self._last_query_id is None:
            return None
        return self.fake.callback_answer(self._last_query_id)

    def send_sticker(self, emoji: str = "👍") -> JSON:
        stored = self.fake.register_file(
            b"RIFF\0\0\0\0WEBPVP8 ", "stickers", mime_type="image/webp"
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._message({"sticker": sticker})

    def send_photo(self, data: bytes | None = None, *, caption: str | None = None) -> JSON:
        stored = self.fake.register_file(data or tiny_png(), "photos", mime_type="image/png")
        content: JSON = {"photo": self.fake.photo_sizes(stored)}
        if caption:
            content["caption"] = caption
        return self._message(content)

    def send_voice(self, duration: int = 3, data: bytes | None = None) -> JSON:
        stored = self.fake.register_file(
            data or b"OggS" + bytes(60), "voice", mime_type="audio/ogg"
        )
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._message({"voice": voice})

    def send_document(
        self,
        data: bytes,
        filename: str = "file.txt",
        mime_type: str = "text/plain",
        *,
        caption: str | None = None,
    ) -> JSON:
        stored = self.fake.register_file(data, "documents", filename=filename, mime_type=mime_type)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        content: JSON = {"document": document}
        if caption:
            content["caption"] = caption
        return self._message(content)

    def send_location(self, latitude: float, longitude: float) -> JSON:
        return self._message({"location": {"latitude": latitude, "longitude": longitude}})

    def block(self) -> None:
        """Block the bot (its sends to this user now fail with 403)."""
        self.fake.block(self.id)

    def unblock(self) -> None:
        self.fake.unblock(self.id)

    def wait_for_reply(self, contains: str | None = None, timeout: float = 10.0) -> InboxMessage:
        """Block until the bot sends/edits a message here after this user's last action."""
        call = self.fake.wait_for(
            lambda c: self._is_bot_output(c, contains), timeout, since=self._since
        )
        return self._as_inbox(call)

    async def await_reply(
        self,
        contains: str | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - same signature as wait_for_reply
    ) -> InboxMessage:
        """Async twin of :meth:`wait_for_reply` for tests running the bot in the same loop."""
        call = await self.fake.await_for(
            lambda c: self._is_bot_output(c, contains), timeout, since=self._since
        )
        return self._as_inbox(call)

    def __repr__(self) -> str:
        return f"SimUser(id={self.id})"


class SimGroup(_ChatView):
    """A group chat; create with ``fake.group(id)`` and pass the acting user to each action."""

    @property
    def id(self) -> int:
        return self.chat_id

    def send_text(self, user: SimUser, text: str) -> JSON:
        return self.fake.user_message(self.chat_id, user.id, {"text": text})

    def send_command(
        self,
        user: SimUser,
        command: str,
        payload: str | None = None,
        *,
        mention_bot: bool = False,
    ) -> JSON:
        """``/command`` in the group; ``mention_bot`` appends ``@<bot username>`` as clients do."""
        mention = self.fake.bot_user["username"] if mention_bot else None
        text = _command_text(command, payload, mention)
        return self.fake.user_message(self.chat_id, user.id, {"text": text})

    def press(self, user: SimUser, button: str) -> JSON:
        return self.fake.press_button(self.chat_id, user.id, button)

    def reply(self, user: SimUser, message_id: int, text: str) -> JSON:
        """`user` replies to a message in the group (the bot sees replies to its own)."""
        return self.fake.user_message(self.chat_id, user.id, {"text": text}, reply_to=message_id)

    def members(self) -> dict[int, str]:
        """Who is in the group (user id -> status), the bot included."""
        with self.fake._lock:
            return dict(self.fake._chats[self.chat_id].members)

    def __repr__(self) -> str:
        return f"SimGroup(id={self.chat_id})"
