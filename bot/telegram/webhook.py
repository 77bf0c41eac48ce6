"""The webhook server: Telegram hears 200 only once the update is stored.

A small tornado application (tornado comes with PTB's webhook extra). The
secret header is checked as soon as the headers arrive, before any of the
body is read, and the body is capped: Telegram's updates are a few kilobytes.
An update that cannot be stored gets a 500, so Telegram sends it again later.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20
"""Far above any real update, far below what could hurt the process."""
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Receive = Callable[[dict[str, Any]], Awaitable[None]]


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, receive: Receive, secret: str | None) -> None:
        self.receive = receive
        self.secret = secret
        self.body = bytearray()

    def prepare(self) -> None:
        """Runs when the headers are in: refuse strangers before reading anything."""
        if self.secret is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.body.extend(chunk)
        if len(self.body) > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    async def post(self) -> None:
        try:
            update = json.loads(self.body)
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        try:
            await self.receive(update)
        except Exception:
            log.warning(
                "could not store update %s; Telegram will send it again", update["update_id"]
            )
            raise tornado.web.HTTPError(HTTPStatus.INTERNAL_SERVER_ERROR) from None
        self.set_status(HTTPStatus.OK)
        self.finish()

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """HTTP errors are answers, not incidents; anything else is logged without the body."""
        if not isinstance(value, tornado.web.HTTPError):
            log.error("webhook request failed: %s", typ.__name__)


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """Request lines may carry nothing private, but they are noise at this rate."""


def webhook_server(path: str, receive: Receive, secret: str | None) -> HTTPServer:
    app = _App([(rf"/{path.strip('/')}/?", _UpdateHandler, {"receive": receive, "secret": secret})])
    return HTTPServer(app, max_body_size=MAX_BODY_BYTES, max_buffer_size=MAX_BODY_BYTES)
