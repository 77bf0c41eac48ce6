"""A thread-safe, in-memory model of the Telegram Bot API.

``FakeTelegram`` answers Bot API methods the way api.telegram.org does (same result JSON, same
error codes and descriptions) so the bot can be tested end to end without the network. It is
transport-independent: ``RecordingRequest`` plugs it into an in-process PTB ``Application`` and
``FakeBotApiServer`` exposes it over real HTTP for a bot running in another process.

Each concern lives in its own module and is mixed in here: chats, messages, callbacks, updates
and polling, webhooks, files, the bot's profile, flood control and the call log.
"""

from __future__ import annotations

import copy
import dataclasses
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tests.fakes.call_log import CallLogMixin
from tests.fakes.callbacks import CALLBACK_TIMEOUT, CallbacksMixin
from tests.fakes.files import FilesMixin, tiny_png
from tests.fakes.flood import LIMITED_METHODS, FloodControl, FloodLimits
from tests.fakes.groups import GroupsMixin
from tests.fakes.profile import ProfileMixin
from tests.fakes.protocol import (
    BOT_FIRST_NAME,
    BOT_ID,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    HANDLERS,
    JSON,
    BotApiError,
    decode_params,
)
from tests.fakes.records import Call, InboxMessage, StoredFile, UploadedFile
from tests.fakes.webhooks import WebhooksMixin

# The names tests have always imported from here (the package ``tests.fakes`` has them too).
__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "BotApiError",
    "Call",
    "FakeTelegram",
    "FloodLimits",
    "InboxMessage",
    "StoredFile",
    "UploadedFile",
    "tiny_png",
]


@dataclass
class _InjectedError:
    method: str
    error: BotApiError
    remaining: int
    chat_id: int | None


class FakeTelegram(
    FilesMixin, GroupsMixin, CallbacksMixin, WebhooksMixin, ProfileMixin, CallLogMixin
):
    """In-memory Bot API: chats, messages, updates, files, commands, webhook and call log.

    All state is guarded by one re-entrant lock, so the HTTP server's threads, the bot's event
    loop and the test thread can use the same instance concurrently.

    As strict as Telegram by default: flood limits (see ``flood``), callback queries that
    expire, webhooks only on HTTPS and Telegram's ports. A test that needs less says so:
    ``flood=FloodLimits.off()``, ``allow_http_webhooks=True``.
    """

    def __init__(
        self,
        *,
        flood: FloodLimits | None = None,
        rate_limit_per_sec: float | None = None,
        allow_http_webhooks: bool = False,
        callback_timeout: float = CALLBACK_TIMEOUT,
        bot_id: int = BOT_ID,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = BOT_FIRST_NAME,
    ) -> None:
        super().__init__()
        self.allow_http_webhooks = allow_http_webhooks
        self.callback_timeout = callback_timeout
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.latency = 0.0  # seconds transports wait before answering; for benchmarks
        self.internal_errors: list[str] = []
        limits = flood if flood is not None else FloodLimits()
        if rate_limit_per_sec is not None:  # a global limit of the test's choosing
            limits = dataclasses.replace(limits, per_second=rate_limit_per_sec)
        self.flood = FloodControl(limits)
        self._injected: list[_InjectedError] = []
        self._method_names = {name.lower(): name for name in HANDLERS}

    @property
    def rate_limit_per_sec(self) -> float | None:
        return self.flood.per_second

    @property
    def too_many_requests(self) -> int:
        """How many calls flood control refused with 429."""
        return self.flood.refused

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
        self._record(Call(name, decoded, started, _chat_key(decoded), token, upload, result))
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
        self._record(Call(name, params, started, _chat_key(params), token, files, error=error))
        return error

    def _dispatch(self, name: str, params: JSON, files: dict[str, UploadedFile]) -> Any:
        with self._lock:
            self._preflight(name, params)
            return HANDLERS[name](self, params, files)

    def _preflight(self, name: str, params: JSON) -> None:
        """Checks that precede any method logic: injected faults, unknown methods, flood limits."""
        self._raise_injected(name, params)
        if name not in HANDLERS:
            raise BotApiError(404, "Not Found: method not found")
        if name in LIMITED_METHODS:
            self.flood.check(_chat_key(params))

    def _raise_injected(self, name: str, params: JSON) -> None:
        for injected in self._injected:
            if injected.method not in (name, "*"):
                continue
            if injected.chat_id is not None and injected.chat_id != params.get("chat_id"):
                continue
            injected.remaining -= 1
            if injected.remaining <= 0:
                self._injected.remove(injected)
            error = injected.error
            if error.code == 429 and error.retry_after:  # Telegram holds to what it said
                self.flood.penalise(_chat_key(params), error.retry_after)
            raise copy.copy(error)

    def push_update(self, update: JSON) -> JSON:
        """Queue an update; a person acting in a chat gives that chat a person's pace."""
        queued = super().push_update(update)
        chat = _update_chat(update)
        if chat is not None:
            with self._lock:
                self.flood.person_acted(chat)
        return queued

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

    def stop_failing(self) -> None:
        """Drop every fault `fail_next` injected that has not been used up (the outage ends)."""
        with self._lock:
            self._injected.clear()


def _update_chat(update: JSON) -> int | None:
    """The chat a person acted in, for a message or a button press."""
    message = update.get("message") or (update.get("callback_query") or {}).get("message")
    chat = (message or {}).get("chat") or {}
    return chat.get("id") if isinstance(chat.get("id"), int) else None


def _chat_key(params: JSON) -> int | str | None:
    chat_id = params.get("chat_id")
    return chat_id if isinstance(chat_id, int | str) else None
