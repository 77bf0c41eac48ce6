"""A thread-safe, in-memory model of the Telegram Bot API.

``FakeTelegram`` answers Bot API methods the way api.telegram.org does (same result JSON, same
error codes and descriptions) so the bot can be tested end to end without the network. It is
transport-independent: ``RecordingRequest`` plugs it into an in-process PTB ``Application`` and
``FakeBotApiServer`` exposes it over real HTTP for a bot running in another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import mimetypes
import re
import struct
import threading
import time
import traceback
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from tests.fakes.formatting import (
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    FormattingError,
    parse_text,
    sort_entities,
    trim,
    utf16_len,
)

if TYPE_CHECKING:
    from tests.fakes.simulated import SimGroup, SimUser

JSON = dict[str, Any]

BOT_ID = 999000
BOT_USERNAME = "attune_test_bot"
BOT_FIRST_NAME = "Attune"
DEFAULT_TOKEN = f"{BOT_ID}:AAFakeTokenForAttuneTests"

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
SEND_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}
)
RATE_LIMITED_METHODS = SEND_METHODS | {
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
}
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
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
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

# Form-encoded requests carry every value as a string; these tables restore the types the
# real server would infer from the method signature.
_JSON_KEYS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "reply_parameters",
        "link_preview_options",
        "media",
        "menu_button",
        "options",
        "permissions",
        "results",
        "explanation_entities",
        "message_ids",
        "reaction",
    }
)
_INT_KEYS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "message_thread_id",
        "max_connections",
        "cache_time",
        "from_chat_id",
        "user_id",
        "until_date",
        "duration",
        "width",
        "height",
    }
)
_FLOAT_KEYS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_KEYS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "revoke_messages",
    }
)
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?(?=\s|$)")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")


class BotApiError(Exception):
    """A Bot API failure; transports turn it into ``{"ok": false, ...}`` with ``code`` as status."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[type[BotApiError], tuple[int, str, int | None]]:
        """Copyable (fail_next raises a copy of the injected error each time)."""
        return (BotApiError, (self.code, self.description, self.retry_after))

    def to_response(self) -> JSON:
        """The exact JSON body api.telegram.org sends for this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def token_error(token: str, expected: str | None) -> BotApiError | None:
    """What api.telegram.org answers for a bad token: 404 if malformed, 401 if unknown."""
    if not _TOKEN_RE.match(token):
        return BotApiError(404, "Not Found")
    if expected is not None and token != expected:
        return BotApiError(401, "Unauthorized")
    return None


def bad_request(reason: str) -> BotApiError:
    """400 with the "Bad Request: " prefix every such error carries."""
    return BotApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> BotApiError:
    """403 with the "Forbidden: " prefix."""
    return BotApiError(403, f"Forbidden: {reason}")


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


@dataclass
class WebhookDelivery:
    """An update the webhook pusher should POST to the bot."""

    url: str
    secret_token: str | None
    update: JSON


@dataclass
class _StoredMessage:
    data: JSON
    from_bot: bool
    edited: bool = False
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)


@dataclass
class _Chat:
    data: JSON
    started: bool = False
    blocked: bool = False
    deactivated: bool = False
    next_message_id: int = 1
    messages: dict[int, _StoredMessage] = field(default_factory=dict)
    reply_keyboard: JSON | None = None

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def private(self) -> bool:
        return self.data["type"] == "private"


@dataclass
class _CallbackQuery:
    chat_id: int
    user_id: int
    answer: JSON | None = None


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Poll:
    limit: int
    deadline: float
    ticket: int


@dataclass
class _InjectedError:
    method: str
    error: BotApiError
    remaining: int
    chat_id: int | None


class _AsyncWaiter:
    """Lets a coroutine sleep until the (thread-based) fake changes, without blocking its loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # loop closed: nobody is waiting any more
            self.loop.call_soon_threadsafe(self.event.set)

    async def wait_until(self, deadline: float) -> None:
        """Sleep until woken or until the monotonic ``deadline``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                await self.event.wait()


_HANDLERS: dict[str, Callable[..., Any]] = {}


def _api(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a FakeTelegram method as the handler of Bot API method ``name``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _HANDLERS[name] = func
        return func

    return register


def decode_params(raw: Mapping[str, Any]) -> JSON:
    """Give form/JSON request values the types the Bot API would (JSON objects, ints, bools)."""
    return {key: _decode_value(key, value) for key, value in raw.items()}


def _decode_value(key: str, value: Any) -> Any:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return value
    if key in _JSON_KEYS:
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {key} JSON object") from None
    if key in _INT_KEYS | _FLOAT_KEYS:
        return _to_number(value)
    if key in _BOOL_KEYS:
        return value.strip().lower() in ("true", "1")
    return value


def _to_number(value: str) -> int | float | str:
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            continue
    return value  # e.g. chat_id="@channelusername"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WebP, or None if Telegram could not process it."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid grey PNG, for tests that need image bytes the fake accepts as a photo."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


class FakeTelegram:
    """In-memory Bot API: chats, messages, updates, files, commands, webhook and call log.

    All state is guarded by one re-entrant lock, so the HTTP server's threads, the bot's event
    loop and the test thread can use the same instance concurrently.
    """

    def __init__(
        self,
        *,
        rate_limit_per_sec: float | None = None,
        allow_http_webhooks: bool = True,
        bot_id: int = BOT_ID,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = BOT_FIRST_NAME,
    ) -> None:
        self.rate_limit_per_sec = rate_limit_per_sec
        self.allow_http_webhooks = allow_http_webhooks
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.latency = 0.0  # seconds transports wait before answering; for benchmarks
        self.calls: list[Call] = []
        self.too_many_requests = 0
        self.tokens_seen: list[str] = []
        self.internal_errors: list[str] = []
        self.files: dict[str, StoredFile] = {}
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._async_waiters: set[_AsyncWaiter] = set()
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSON] = {}
        self._sim_users: dict[int, SimUser] = {}
        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(100_001)
        self._allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self._poll_ticket = 0
        self._waiting_pollers = 0
        self._callback_queries: dict[str, _CallbackQuery] = {}
        self._query_ids = itertools.count(4_611_686_018_427_387_905)
        self._file_ids = itertools.count(1)
        self._files_by_path: dict[str, StoredFile] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._menu_buttons: dict[int | None, JSON] = {}
        self._webhook = _Webhook()
        self._send_times: deque[float] = deque()
        self._injected: list[_InjectedError] = []
        self._method_names = {name.lower(): name for name in _HANDLERS}

    # --- entry points used by transports ------------------------------------------------

    def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
        abort: Callable[[], bool] | None = None,
    ) -> Any:
        """Execute a Bot API method and return its ``result``; raise BotApiError on failure.

        getUpdates long-polls by blocking this thread; ``abort`` lets a stopping server end
        the wait early.
        """
        started = time.monotonic()
        name = self._method_names.get(method.lower(), method)
        decoded: JSON = {}
        upload = dict(files or {})
        try:
            decoded = decode_params(params or {})
            if name == "getUpdates":
                result = self._get_updates_blocking(decoded, abort)
            else:
                result = self._dispatch(name, decoded, upload)
        except BotApiError as exc:
            self._failed(name, decoded, upload, token, started, exc)
            raise
        except Exception as exc:
            raise self._failed(name, decoded, upload, token, started, exc) from exc
        self._record(Call(name, decoded, started, self._chat_key(decoded), token, upload, result))
        return copy.deepcopy(result)

    async def call_async(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
    ) -> Any:
        """Like :meth:`call`, but a long-polling getUpdates waits without blocking the loop."""
        name = self._method_names.get(method.lower(), method)
        if name != "getUpdates":
            return self.call(name, params, files, token=token)
        started = time.monotonic()
        decoded: JSON = {}
        try:
            decoded = decode_params(params or {})
            result = await self._get_updates_async(decoded)
        except BotApiError as exc:
            self._failed(name, decoded, {}, token, started, exc)
            raise
        except Exception as exc:
            raise self._failed(name, decoded, {}, token, started, exc) from exc
        self._record(Call(name, decoded, started, None, token, {}, result))
        return result

    def respond(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
        abort: Callable[[], bool] | None = None,
    ) -> tuple[int, JSON]:
        """(HTTP status, JSON body) exactly as api.telegram.org would answer."""
        try:
            return 200, {
                "ok": True,
                "result": self.call(method, params, files, token=token, abort=abort),
            }
        except BotApiError as exc:
            return exc.code, exc.to_response()

    async def respond_async(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
    ) -> tuple[int, JSON]:
        """Async twin of :meth:`respond` for in-process transports."""
        try:
            result = await self.call_async(method, params, files, token=token)
        except BotApiError as exc:
            return exc.code, exc.to_response()
        return 200, {"ok": True, "result": result}

    def file_by_path(self, file_path: str) -> StoredFile | None:
        """The file served at ``/file/bot<token>/<file_path>``."""
        with self._lock:
            return self._files_by_path.get(file_path)

    def _failed(
        self,
        name: str,
        params: JSON,
        files: dict[str, UploadedFile],
        token: str | None,
        started: float,
        exc: Exception,
    ) -> BotApiError:
        """Record a failed call; bugs in the fake itself become visible 500s."""
        error = exc if isinstance(exc, BotApiError) else None
        if error is None:
            with self._lock:
                self.internal_errors.append("".join(traceback.format_exception(exc)))
            error = BotApiError(500, f"Internal Server Error: fake failed with {exc!r}")
        self._record(Call(name, params, started, self._chat_key(params), token, files, error=error))
        return error

    def _record(self, entry: Call) -> None:
        with self._lock:
            if entry.token and entry.token not in self.tokens_seen:
                self.tokens_seen.append(entry.token)
            self.calls.append(entry)
            self._notify()

    @staticmethod
    def _chat_key(params: JSON) -> int | str | None:
        chat_id = params.get("chat_id")
        return chat_id if isinstance(chat_id, int | str) else None

    def wake_waiters(self) -> None:
        """Make every blocked wait re-check its condition (e.g. a stopping server's abort flag)."""
        with self._lock:
            self._notify()

    def _notify(self) -> None:
        """Wake every thread and coroutine waiting for calls, updates or webhook changes."""
        self._cond.notify_all()
        for waiter in list(self._async_waiters):
            waiter.wake()

    def _dispatch(self, name: str, params: JSON, files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            self._preflight(name, params)
            return _HANDLERS[name](self, params, files)

    def _preflight(self, name: str, params: JSON) -> None:
        """Checks that precede any method logic: injected faults, unknown methods, flood limits."""
        self._raise_injected(name, params)
        if name not in _HANDLERS:
            raise BotApiError(404, "Not Found: method not found")
        if name in RATE_LIMITED_METHODS:
            self._check_rate_limit()

    def _raise_injected(self, name: str, params: JSON) -> None:
        for injected in self._injected:
            if injected.method not in (name, "*"):
                continue
            if injected.chat_id is not None and injected.chat_id != params.get("chat_id"):
                continue
            injected.remaining -= 1
            if injected.remaining <= 0:
                self._injected.remove(injected)
            raise copy.copy(injected.error)

    def _check_rate_limit(self) -> None:
        """Sliding one-second window over send-type calls, like Telegram's global flood limit."""
        if not self.rate_limit_per_sec:
            return
        now = time.monotonic()
        while self._send_times and self._send_times[0] <= now - 1.0:
            self._send_times.popleft()
        if len(self._send_times) >= self.rate_limit_per_sec:
            self.too_many_requests += 1
            retry_after = max(1, math.ceil(self._send_times[0] + 1.0 - now))
            raise BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._send_times.append(now)

    # --- test controls ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        code: int = 500,
        description: str = "Internal Server Error",
        *,
        times: int = 1,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any) fail, to test error paths."""
        error = BotApiError(code, description, retry_after)
        with self._lock:
            self._injected.append(_InjectedError(method, error, times, chat_id))

    def user(
        self,
        id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimUser:
        """A simulated private-chat user (created on first use, same object afterwards)."""
        from tests.fakes.simulated import SimUser

        with self._lock:
            if id not in self._sim_users:
                user = {"id": id, "is_bot": False, "first_name": first_name}
                extra = {"last_name": last_name, "username": username}
                user.update({k: v for k, v in extra.items() if v is not None})
                if language_code is not None:
                    user["language_code"] = language_code
                self._users[id] = user
                chat = {"id": id, "type": "private", "first_name": first_name}
                chat.update({k: v for k, v in extra.items() if v is not None})
                self._chats[id] = _Chat(chat)
                self._sim_users[id] = SimUser(self, id)
            return self._sim_users[id]

    def group(self, id: int, title: str = "Test group", *, kind: str = "group") -> SimGroup:
        """A group chat the bot is a member of; users act in it through the returned helper."""
        from tests.fakes.simulated import SimGroup

        with self._lock:
            if id not in self._chats:
                self._chats[id] = _Chat({"id": id, "type": kind, "title": title}, started=True)
            return SimGroup(self, id)

    def user_info(self, user_id: int) -> JSON:
        """The Bot API ``User`` object of a simulated user."""
        with self._lock:
            return copy.deepcopy(self._users[user_id])

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: later sends get 403 and a my_chat_member update is queued."""
        with self._lock:
            chat = self._chats[user_id]
            if not chat.blocked and notify:
                self._push_member_update(chat, user_id, "member", "kicked")
            chat.blocked = True

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        """The user restarts the bot (also happens implicitly when they write again)."""
        with self._lock:
            chat = self._chats[user_id]
            if chat.blocked and notify:
                self._push_member_update(chat, user_id, "kicked", "member")
            chat.blocked = False

    def deactivate(self, user_id: int) -> None:
        """The user deletes their account: later sends get 403 "user is deactivated"."""
        with self._lock:
            self._chats[user_id].deactivated = True

    def _push_member_update(self, chat: _Chat, user_id: int, old: str, new: str) -> None:
        new_member: JSON = {"user": self.bot_user, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: JSON = {"user": self.bot_user, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.data,
                    "from": self._users[user_id],
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    # --- updates ------------------------------------------------------------------------

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

    def waiting_pollers(self) -> int:
        """How many getUpdates calls are currently in progress (useful to sync tests)."""
        with self._lock:
            return self._waiting_pollers

    def _start_poll(self, params: JSON) -> _Poll:
        """Validate getUpdates, confirm updates below ``offset`` and supersede older polls."""
        if self._webhook.url:
            raise self._webhook_conflict()
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if "allowed_updates" in params:
            self._allowed_updates = frozenset(params["allowed_updates"] or DEFAULT_ALLOWED_UPDATES)
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
        if self._webhook.url:
            raise self._webhook_conflict()
        if self._updates or time.monotonic() >= poll.deadline:
            return copy.deepcopy(list(self._updates)[: poll.limit])
        return None

    @staticmethod
    def _webhook_conflict() -> BotApiError:
        return BotApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )

    def next_webhook_delivery(
        self, timeout: float, abort: Callable[[], bool] | None = None
    ) -> WebhookDelivery | None:
        """Block until a webhook is set and an update is pending (for the webhook pusher)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self._webhook.url and self._updates):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (abort is not None and abort()):
                    return None
                self._cond.wait(remaining)
            hook = self._webhook
            return WebhookDelivery(hook.url, hook.secret_token, copy.deepcopy(self._updates[0]))

    def finish_webhook_delivery(self, update_id: int, error: str | None) -> None:
        """Confirm a delivered update, or remember why the bot's webhook rejected it."""
        with self._lock:
            if error is None:
                self.consume_update(update_id)
            else:
                self._webhook.last_error_date = int(time.time())
                self._webhook.last_error_message = error
            self._notify()

    # --- waiting for the bot ------------------------------------------------------------

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

    @contextlib.contextmanager
    def _async_waiter(self) -> Iterator[_AsyncWaiter]:
        """Register before checking state so that no wake-up can slip in between."""
        waiter = _AsyncWaiter()
        with self._lock:
            self._async_waiters.add(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                self._async_waiters.discard(waiter)

    # --- inspection ---------------------------------------------------------------------

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

    def messages(
        self, chat_id: int, *, from_bot: bool = True, include_deleted: bool = False
    ) -> list[InboxMessage]:
        """Messages in a chat (by default: the bot's, not deleted), oldest first."""
        with self._lock:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [
                self._inbox_message(m)
                for m in chat.messages.values()
                if m.from_bot == from_bot and (include_deleted or not m.deleted)
            ]

    def message(self, chat_id: int, message_id: int) -> InboxMessage:
        """One stored message in its current state."""
        with self._lock:
            return self._inbox_message(self._chats[chat_id].messages[message_id])

    def reply_keyboard(self, chat_id: int) -> list[list[str]]:
        """Labels of the reply keyboard currently shown in a chat."""
        with self._lock:
            markup = self._chats[chat_id].reply_keyboard or {}
            return [[_button_label(b) for b in row] for row in markup.get("keyboard", [])]

    def callback_answer(self, query_id: str) -> JSON | None:
        """The answerCallbackQuery parameters given for a pressed button, if answered."""
        with self._lock:
            query = self._callback_queries.get(query_id)
            return copy.deepcopy(query.answer) if query else None

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands registered with setMyCommands for a scope/language."""
        with self._lock:
            return copy.deepcopy(self._commands.get((_scope_key(scope), language_code), []))

    def transcript(self, chat_id: int) -> str:
        """Human-readable conversation log, handy in assertion messages."""
        with self._lock:
            chat = self._chats.get(chat_id)
            messages = list(chat.messages.values()) if chat else []
            return "\n".join(_transcript_line(m) for m in messages)

    @staticmethod
    def _inbox_message(stored: _StoredMessage) -> InboxMessage:
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

    # --- what simulated users do --------------------------------------------------------

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
                content["reply_to_message"] = self._reply_copy(chat.messages[reply_to])
            message = self._store_message(chat, content, sender=self._users[user_id])
            return self.push_update({"message": message})

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
            if label in [_button_label(b) for row in self._reply_rows(chat) for b in row]:
                if (chat.reply_keyboard or {}).get("one_time_keyboard"):
                    chat.reply_keyboard = None
                return self.user_message(chat_id, user_id, {"text": label})
            raise LookupError(f"no button {label!r} in chat {chat_id}:\n{self.transcript(chat_id)}")

    def _callback_query(
        self, chat: _Chat, user_id: int, stored: _StoredMessage, button: JSON
    ) -> JSON:
        if "callback_data" not in button:
            raise ValueError(f"button {button!r} has no callback_data; it cannot be pressed")
        query_id = str(next(self._query_ids))
        self._callback_queries[query_id] = _CallbackQuery(chat.id, user_id)
        query = {
            "id": query_id,
            "from": self._users[user_id],
            "message": stored.data,
            "chat_instance": str(abs(chat.id) * 1_000_003 + 17),
            "data": button["callback_data"],
        }
        return self.push_update({"callback_query": query})

    @staticmethod
    def _reply_rows(chat: _Chat) -> list[list[Any]]:
        return list((chat.reply_keyboard or {}).get("keyboard", []))

    def register_file(
        self,
        data: bytes,
        folder: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Store bytes under a new file_id/file_path (uploads and user-sent media)."""
        with self._lock:
            number = next(self._file_ids)
            suffix = ""
            if filename and "." in filename:
                suffix = "." + filename.rsplit(".", 1)[1]
            elif mime_type:
                suffix = mimetypes.guess_extension(mime_type) or ""
            stored = StoredFile(
                file_id=f"FAKE{folder[:3].upper()}{number:08d}",
                file_unique_id=f"U{number:08d}",
                file_path=f"{folder}/file_{number}{suffix}",
                filename=filename,
                mime_type=mime_type,
                data=bytes(data),
            )
            self.files[stored.file_id] = stored
            self._files_by_path[stored.file_path] = stored
            return stored

    # --- chats and messages -------------------------------------------------------------

    def _chat(self, params: JSON) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, params: JSON) -> _Chat:
        """The target chat, if the bot may post there right now (else the real 403/400)."""
        chat = self._chat(params)
        if chat.deactivated:
            raise forbidden("user is deactivated")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    def _store_message(self, chat: _Chat, content: JSON, *, sender: JSON | None = None) -> JSON:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message = {
            "message_id": message_id,
            "from": sender or self.bot_user,
            "chat": chat.data,
            "date": int(time.time()),
            **content,
        }
        chat.messages[message_id] = _StoredMessage(copy.deepcopy(message), from_bot=sender is None)
        return message

    def _send(self, chat: _Chat, params: JSON, content: JSON) -> JSON:
        """Shared tail of every send*: reply markup, reply target, storage."""
        markup = self._reply_markup(chat, params.get("reply_markup"))
        if markup is not None:
            content["reply_markup"] = markup
        replied = self._replied_message(chat, params)
        if replied is not None:
            content["reply_to_message"] = replied
        return self._store_message(chat, content)

    def _replied_message(self, chat: _Chat, params: JSON) -> JSON | None:
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
        return self._reply_copy(stored)

    @staticmethod
    def _reply_copy(stored: _StoredMessage) -> JSON:
        data = copy.deepcopy(stored.data)
        data.pop("reply_to_message", None)
        return data

    def _reply_markup(self, chat: _Chat, markup: Any) -> JSON | None:
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

    def _editable(self, params: JSON) -> tuple[_Chat, _StoredMessage]:
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
    def _apply_edit(stored: _StoredMessage, changes: JSON) -> JSON:
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

    def _inline_markup_for_edit(self, chat: _Chat, params: JSON) -> JSON | None:
        markup = params.get("reply_markup")
        if markup is not None and not (isinstance(markup, dict) and "inline_keyboard" in markup):
            raise bad_request("inline keyboard expected")
        return self._reply_markup(chat, markup)

    # --- text ---------------------------------------------------------------------------

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

    # --- files --------------------------------------------------------------------------

    def _input_file(
        self, params: JSON, files: dict[str, UploadedFile], key: str, folder: str
    ) -> StoredFile:
        """Resolve an InputFile parameter: multipart upload, attach://, file_id or URL."""
        value = params.get(key)
        upload = files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if upload is not None:
            return self._store_upload(upload, folder)
        if isinstance(value, str) and value in self.files:
            return self.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = urlparse(value).path.rsplit("/", 1)[-1] or None
            return self.register_file(b"", folder, filename=name)
        if value:
            raise bad_request("wrong file identifier/HTTP URL specified")
        raise bad_request(f"there is no {key} in the request")

    def _store_upload(self, upload: UploadedFile, folder: str) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if len(upload.data) > MAX_DOCUMENT_BYTES:
            raise BotApiError(413, "Request Entity Too Large")
        mime = upload.mime_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or mime
        return self.register_file(upload.data, folder, filename=upload.filename, mime_type=mime)

    def photo_sizes(self, stored: StoredFile) -> list[JSON]:
        """PhotoSize list for an image: a thumbnail plus the (capped) original, smallest first."""
        size = image_size(stored.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10_000 or max(width, height) > 20 * max(min(width, height), 1):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        sizes = []
        for side in (90, 320, 800, 1280):
            scale = min(side / max(width, height), 1.0)
            w, h = max(round(width * scale), 1), max(round(height * scale), 1)
            if sizes and (w, h) == (sizes[-1]["width"], sizes[-1]["height"]):
                break
            variant = stored if scale == 1.0 else self.register_file(stored.data, "thumbnails")
            sizes.append(_photo_size(variant, w, h))
        return sizes

    # --- Bot API methods ----------------------------------------------------------------

    @_api("getMe")
    def _get_me(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @_api("getUpdates")
    def _get_updates(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        raise AssertionError("getUpdates is handled by the long-polling paths")

    @_api("setWebhook")
    def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url") or "")
        if url and not _webhook_url_ok(url, self.allow_http_webhooks):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if "allowed_updates" in params:
            self._allowed_updates = frozenset(params["allowed_updates"] or DEFAULT_ALLOWED_UPDATES)
        self._webhook = _Webhook(
            url=url,
            secret_token=str(secret) if url and secret else None,
            max_connections=int(params.get("max_connections") or 40),
            allowed_updates=params.get("allowed_updates"),
            ip_address=params.get("ip_address"),
        )
        self._notify()
        return True

    @_api("deleteWebhook")
    def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = _Webhook()
        self._notify()
        return True

    @_api("getWebhookInfo")
    def _get_webhook_info(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        hook = self._webhook
        info: JSON = {
            "url": hook.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook.url:
            info["max_connections"] = hook.max_connections
            optional = {
                "ip_address": hook.ip_address,
                "allowed_updates": hook.allowed_updates,
                "last_error_date": hook.last_error_date,
                "last_error_message": hook.last_error_message,
            }
            info.update({k: v for k, v in optional.items() if v is not None})
        return info

    @_api("setMyCommands")
    def _set_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _BOT_COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @_api("getMyCommands")
    def _get_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> list[JSON]:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        return copy.deepcopy(self._commands.get(key, []))

    @_api("deleteMyCommands")
    def _delete_my_commands(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        key = (_scope_key(params.get("scope")), str(params.get("language_code") or ""))
        self._commands.pop(key, None)
        return True

    @_api("setMyDescription")
    def _set_my_description(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return self._set_bot_text("description", params)

    @_api("getMyDescription")
    def _get_my_description(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self._get_bot_text("description", params)

    @_api("setMyShortDescription")
    def _set_my_short_description(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return self._set_bot_text("short_description", params)

    @_api("getMyShortDescription")
    def _get_my_short_description(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self._get_bot_text("short_description", params)

    @_api("setMyName")
    def _set_my_name(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return self._set_bot_text("name", params)

    @_api("getMyName")
    def _get_my_name(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        return self._get_bot_text("name", params)

    def _set_bot_text(self, field_name: str, params: JSON) -> bool:
        self._bot_texts[(field_name, str(params.get("language_code") or ""))] = str(
            params.get(field_name) or ""
        )
        return True

    def _get_bot_text(self, field_name: str, params: JSON) -> JSON:
        language = str(params.get("language_code") or "")
        default = self.bot_user["first_name"] if field_name == "name" else ""
        return {field_name: self._bot_texts.get((field_name, language), default)}

    @_api("setChatMenuButton")
    def _set_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    @_api("getChatMenuButton")
    def _get_chat_menu_button(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat_id = params.get("chat_id")
        button = self._menu_buttons.get(chat_id, self._menu_buttons.get(None))
        return copy.deepcopy(button or {"type": "commands"})

    @_api("getChat")
    def _get_chat(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._chat(params)
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            True,
        )
        return {
            **chat.data,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    @_api("sendMessage")
    def _send_message(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params)
        content = _without_empty(self._message_text(params))
        if params.get("link_preview_options"):
            content["link_preview_options"] = params["link_preview_options"]
        return self._send(chat, params, content)

    @_api("sendDocument")
    def _send_document(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params)
        caption = self._caption(params)
        stored = self._input_file(params, files, "document", "documents")
        document = _document(stored)
        return self._send(chat, params, _without_empty({"document": document, **caption}))

    @_api("sendPhoto")
    def _send_photo(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._writable_chat(params)
        caption = self._caption(params)
        stored = self._input_file(params, files, "photo", "photos")
        photo = self.photo_sizes(stored)
        content = _without_empty({"photo": photo, **caption})
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return self._send(chat, params, content)

    @_api("sendChatAction")
    def _send_chat_action(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._writable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @_api("editMessageText")
    def _edit_message_text(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, stored = self._editable(params)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        text = self._message_text(params)
        markup = self._inline_markup_for_edit(chat, params)
        return self._apply_edit(stored, {**text, "reply_markup": markup})

    @_api("editMessageCaption")
    def _edit_message_caption(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, stored = self._editable(params)
        if "text" in stored.data:
            raise bad_request("there is no caption in the message to edit")
        caption = self._caption(params)
        markup = self._inline_markup_for_edit(chat, params)
        return self._apply_edit(stored, {**caption, "reply_markup": markup})

    @_api("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat, stored = self._editable(params)
        markup = self._inline_markup_for_edit(chat, params)
        return self._apply_edit(stored, {"reply_markup": markup})

    @_api("deleteMessage")
    def _delete_message(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        message_id = params.get("message_id")
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            raise bad_request("message to delete not found")
        stored.deleted = True
        return True

    @_api("answerCallbackQuery")
    def _answer_callback_query(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        query = self._callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query.answer is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        return True

    @_api("getFile")
    def _get_file(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    @_api("close")
    def _close(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True

    @_api("logOut")
    def _log_out(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        return True


# --- helpers --------------------------------------------------------------------------------


def _scope_key(scope: Any) -> str:
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def _without_empty(content: JSON) -> JSON:
    """Drop empty optional fields; the Bot API omits them instead of sending []/""."""
    return {k: v for k, v in content.items() if v not in (None, "", [])}


def _webhook_url_ok(url: str, allow_http: bool) -> bool:
    parsed = urlparse(url)
    schemes = ("https", "http") if allow_http else ("https",)
    return parsed.scheme in schemes and bool(parsed.hostname)


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


def _find_inline_button(message: JSON, label: str) -> JSON | None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    for button in (b for row in rows for b in row):
        if label in (button.get("text"), button.get("callback_data")):
            return button
    return None


def _button_label(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


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


def _document(stored: StoredFile) -> JSON:
    document: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.filename:
        document["file_name"] = stored.filename
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    return document


def _photo_size(stored: StoredFile, width: int, height: int) -> JSON:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "width": width,
        "height": height,
    }


def _transcript_line(stored: _StoredMessage) -> str:
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
