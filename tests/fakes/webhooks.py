"""setWebhook and friends, and the queue side of pushing updates to the bot's webhook."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from tests.fakes.protocol import JSON, api_method, bad_request
from tests.fakes.records import UploadedFile
from tests.fakes.updates import UpdatesMixin

_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class WebhookDelivery:
    """An update the webhook pusher should POST to the bot."""

    url: str
    secret_token: str | None
    update: JSON


@dataclass
class _Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


WEBHOOK_PORTS = (443, 80, 88, 8443)
"""The only ports Telegram delivers webhooks to."""


def _webhook_url_problem(url: str, allow_http: bool) -> str | None:
    """Telegram's refusal for a webhook URL it would not deliver to, else None."""
    parsed = urlparse(url)
    if allow_http:  # a test that says it needs a plain local URL
        ok = parsed.scheme in ("https", "http") and bool(parsed.hostname)
        return None if ok else "bad webhook: An HTTPS URL must be provided for webhook"
    if parsed.scheme != "https" or not parsed.hostname:
        return "bad webhook: An HTTPS URL must be provided for webhook"
    try:
        port = parsed.port or 443
    except ValueError:
        return "bad webhook: Failed to resolve host: Name or service not known"
    if port not in WEBHOOK_PORTS:
        return "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
    return None


class WebhooksMixin(UpdatesMixin):
    """While a webhook is set, pending updates go to it instead of to getUpdates."""

    allow_http_webhooks: bool

    def __init__(self) -> None:
        super().__init__()
        self._webhook = _Webhook()
        self._in_flight: dict[int, int | None] = {}
        """update_id -> chat of each update being POSTed right now."""
        self.most_webhook_requests_at_once = 0

    def _webhook_active(self) -> bool:
        return bool(self._webhook.url)

    def next_webhook_delivery(
        self, timeout: float, abort: Callable[[], bool] | None = None
    ) -> WebhookDelivery | None:
        """Block until a webhook is set, fewer than `max_connections` requests are open and
        an update is ready to go; it is then in flight until `finish_webhook_delivery`.

        Like Telegram, up to `max_connections` updates are POSTed at once, but a chat's
        updates one at a time, in order.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while (ready := self._ready_update()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (abort is not None and abort()):
                    return None
                self._cond.wait(remaining)
            self._in_flight[ready["update_id"]] = _update_chat_id(ready)
            self.most_webhook_requests_at_once = max(
                self.most_webhook_requests_at_once, len(self._in_flight)
            )
            hook = self._webhook
            return WebhookDelivery(hook.url, hook.secret_token, copy.deepcopy(ready))

    def _ready_update(self) -> JSON | None:
        if not self._webhook.url or len(self._in_flight) >= self._webhook.max_connections:
            return None
        busy = set(self._in_flight.values())
        waiting: set[int | None] = set()
        for update in self._updates:
            if update["update_id"] in self._in_flight:
                continue
            chat = _update_chat_id(update)
            if chat is None or (chat not in busy and chat not in waiting):
                return update
            waiting.add(chat)  # an earlier update of this chat goes first
        return None

    def finish_webhook_delivery(self, update_id: int, error: str | None) -> None:
        """Confirm a delivered update, or remember why the bot's webhook rejected it."""
        with self._lock:
            self._in_flight.pop(update_id, None)
            if error is None:
                self.consume_update(update_id)
            else:
                self._webhook.last_error_date = int(time.time())
                self._webhook.last_error_message = error
            self._notify()

    @api_method("setWebhook")
    def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url") or "")
        problem = _webhook_url_problem(url, self.allow_http_webhooks) if url else None
        if problem is not None:
            raise bad_request(problem)
        connections = int(params.get("max_connections") or 40)
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        self._drop_pending(params)
        self._set_allowed_updates(params)
        self._webhook = _Webhook(
            url=url,
            secret_token=str(secret) if url and secret else None,
            max_connections=connections,
            allowed_updates=params.get("allowed_updates"),
            ip_address=params.get("ip_address"),
        )
        self._notify()
        return True

    @api_method("deleteWebhook")
    def _delete_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._drop_pending(params)
        self._webhook = _Webhook()
        self._notify()
        return True

    @api_method("getWebhookInfo")
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


def _update_chat_id(update: JSON) -> int | None:
    for value in update.values():
        if isinstance(value, dict):
            message = value.get("message") if "chat" not in value else value
            chat = (message or {}).get("chat") if isinstance(message, dict) else None
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                return int(chat["id"])
            sender = value.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return int(sender["id"])
    return None
