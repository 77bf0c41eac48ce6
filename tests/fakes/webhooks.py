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


def _webhook_url_ok(url: str, allow_http: bool) -> bool:
    parsed = urlparse(url)
    schemes = ("https", "http") if allow_http else ("https",)
    return parsed.scheme in schemes and bool(parsed.hostname)


class WebhooksMixin(UpdatesMixin):
    """While a webhook is set, pending updates go to it instead of to getUpdates."""

    allow_http_webhooks: bool

    def __init__(self) -> None:
        super().__init__()
        self._webhook = _Webhook()

    def _webhook_active(self) -> bool:
        return bool(self._webhook.url)

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

    @api_method("setWebhook")
    def _set_webhook(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url") or "")
        if url and not _webhook_url_ok(url, self.allow_http_webhooks):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        self._drop_pending(params)
        self._set_allowed_updates(params)
        self._webhook = _Webhook(
            url=url,
            secret_token=str(secret) if url and secret else None,
            max_connections=int(params.get("max_connections") or 40),
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
