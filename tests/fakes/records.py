"""What tests read back from the fake: recorded calls, messages as a user sees them, files."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.protocol import JSON, BotApiError


@dataclass(frozen=True)
class UploadedFile:
    """One multipart file part as received from the bot."""

    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    """A file known to the fake server, addressable by file_id and downloadable by file_path."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    mime_type: str | None
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Call:
    """One Bot API request as the fake saw it, recorded after it was answered."""

    method: str
    params: JSON
    at: float = field(default_factory=time.monotonic)
    chat_id: int | str | None = None
    token: str | None = None
    files: dict[str, UploadedFile] = field(default_factory=dict)
    result: Any = None
    error: BotApiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str | None:
        """The text or caption the bot tried to send, whatever the method."""
        return self.params.get("text", self.params.get("caption"))

    def __repr__(self) -> str:
        status = "ok" if self.ok else f"error={self.error}"
        return f"Call({self.method}, chat_id={self.chat_id}, {status}, params={self.params!r})"


@dataclass(frozen=True)
class InboxMessage:
    """A message the bot sent to a chat, in its current (possibly edited) state."""

    message_id: int
    text: str | None
    reply_markup: JSON | None
    edited: bool
    deleted: bool
    raw: JSON
    history: tuple[JSON, ...] = ()

    @property
    def keyboard(self) -> list[list[JSON]]:
        """Inline keyboard rows as button dicts (empty when there is none)."""
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def buttons(self) -> list[list[str]]:
        """Inline keyboard rows as button labels."""
        return [[button["text"] for button in row] for row in self.keyboard]

    @property
    def button_texts(self) -> list[str]:
        return [label for row in self.buttons for label in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for row in self.keyboard for b in row if "callback_data" in b]

    @property
    def entities(self) -> list[JSON]:
        return list(self.raw.get("entities", self.raw.get("caption_entities", [])))

    @property
    def document(self) -> JSON | None:
        return self.raw.get("document")

    @property
    def kind(self) -> str:
        """'text', 'document', 'photo', ... — the content field the message carries."""
        for kind in ("text", "document", "photo", "sticker", "voice", "location"):
            if kind in self.raw:
                return kind
        return "other"
