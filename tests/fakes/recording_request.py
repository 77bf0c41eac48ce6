"""A python-telegram-bot request backend that answers from a ``FakeTelegram`` in-process.

Plug it into an Application to run real handlers without HTTP::

    fake = FakeTelegram()
    app = (
        ApplicationBuilder().token("123:ABC")
        .request(RecordingRequest(fake)).get_updates_request(RecordingRequest(fake))
        .build()
    )

It goes through PTB's own ``BaseRequest.post`` machinery (status-code → exception mapping,
JSON parsing), so the bot sees exactly the errors it would see in production.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram import Update
from telegram.request import BaseRequest, RequestData

from tests.fakes.protocol import token_error
from tests.fakes.records import UploadedFile
from tests.fakes.telegram_core import FakeTelegram

if TYPE_CHECKING:
    from telegram import Bot
    from telegram._utils.types import ODVInput
    from telegram.ext import Application

JSON = dict[str, Any]

_API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)$")


class RecordingRequest(BaseRequest):
    """``BaseRequest`` whose "network" is a FakeTelegram; every call lands in ``fake.calls``."""

    def __init__(
        self,
        fake: FakeTelegram | None = None,
        *,
        token: str | None = None,
        read_timeout: float | None = 5.0,
    ) -> None:
        self.fake = fake if fake is not None else FakeTelegram()
        self.expected_token = token  # None accepts any well-formed token
        self._read_timeout = read_timeout
        self.initialized = False

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout; PTB adds the getUpdates ``timeout`` on top of it."""
        return self._read_timeout

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer ``<base>/bot<token>/<method>`` and ``<base>/file/bot<token>/<path>``."""
        if self.fake.latency:
            await asyncio.sleep(self.fake.latency)
        parts = urlsplit(url)
        path = unquote(parts.path)  # PTB percent-encodes the token's ':' in file URLs
        if file_match := _FILE_PATH.search(path):
            return self._download(file_match["token"], file_match["path"])
        api_match = _API_PATH.search(path)
        if api_match is None:
            return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token = api_match["token"]
        if error := token_error(token, self.expected_token):
            return _json_response(error.code, error.to_response())
        params: dict[str, Any] = dict(parse_qsl(parts.query))
        params.update(request_data.json_parameters if request_data else {})
        status, body = await self.fake.respond_async(
            api_match["method"], params, uploaded_files(request_data), token=token
        )
        return _json_response(status, body)

    def _download(self, token: str, file_path: str) -> tuple[int, bytes]:
        error = token_error(token, self.expected_token)
        stored = self.fake.file_by_path(file_path)
        if error is not None or stored is None:
            return _json_response(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return 200, stored.data


def uploaded_files(request_data: RequestData | None) -> dict[str, UploadedFile]:
    """The multipart parts PTB would upload, read into memory."""
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, UploadedFile] = {}
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        files[name] = UploadedFile(filename or name, mime_type or "application/octet-stream", data)
    return files


def _json_response(status: int, body: JSON) -> tuple[int, bytes]:
    return status, json.dumps(body).encode("utf-8")


def make_update(data: JSON, bot: Bot) -> Update:
    """A real ``telegram.Update`` from an update dict (e.g. what ``user.send_text`` returns)."""
    update = Update.de_json(data, bot)
    if update is None:
        raise ValueError(f"not an update: {data!r}")
    return update


async def deliver(app: Application[Any, Any, Any, Any, Any, Any], data: JSON) -> Update:
    """Feed one queued update to an initialized Application and take it off the poll queue."""
    fake_update = make_update(data, app.bot)
    if "update_id" in data:
        _fake_of(app).consume_update(data["update_id"])
    await app.process_update(fake_update)
    return fake_update


async def drain(app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram) -> None:
    """Hand every queued update to the application, in order, as polling would."""
    while pending := fake.pending_updates():
        await deliver(app, pending[0])


def _fake_of(app: Application[Any, Any, Any, Any, Any, Any]) -> FakeTelegram:
    request = app.bot.request
    if not isinstance(request, RecordingRequest):
        raise TypeError("deliver() needs an Application built with RecordingRequest")
    return request.fake
