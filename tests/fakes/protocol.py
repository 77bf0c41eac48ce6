"""What every part of the fake Bot API shares: the test bot, errors, parameter types, methods.

Errors carry the exact status codes and descriptions api.telegram.org sends; parameters get the
types the real server infers from the method signature; ``api_method`` registers the handler of
one Bot API method wherever its concern lives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

JSON = dict[str, Any]

BOT_ID = 999000
BOT_USERNAME = "attune_test_bot"
BOT_FIRST_NAME = "Attune"
DEFAULT_TOKEN = f"{BOT_ID}:AAFakeTokenForAttuneTests012345678X"
"""Full length: the secret part of a real token is 35 characters, the shape the log scrubs."""

_TOKEN_RE = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,100}$")

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


class BotApiError(Exception):
    """A Bot API failure; transports turn it into ``{"ok": false, ...}`` with ``code`` as status."""

    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def __reduce__(self) -> tuple[type[BotApiError], tuple[int, str, int | None, int | None]]:
        """Copyable (fail_next raises a copy of the injected error each time)."""
        args = (self.code, self.description, self.retry_after, self.migrate_to_chat_id)
        return (BotApiError, args)

    def to_response(self) -> JSON:
        """The exact JSON body api.telegram.org sends for this error."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        parameters: JSON = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
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


def chat_migrated(new_chat_id: int) -> BotApiError:
    """What a group that became a supergroup answers to anything sent to its old id."""
    reason = "group chat was upgraded to a supergroup chat"
    return BotApiError(400, f"Bad Request: {reason}", migrate_to_chat_id=new_chat_id)


def forbidden(reason: str) -> BotApiError:
    """403 with the "Forbidden: " prefix."""
    return BotApiError(403, f"Forbidden: {reason}")


# --- method registry ---------------------------------------------------------------------

HANDLERS: dict[str, Callable[..., Any]] = {}


def api_method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a FakeTelegram method as the handler of Bot API method ``name``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        HANDLERS[name] = func
        return func

    return register


# --- parameters --------------------------------------------------------------------------


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
