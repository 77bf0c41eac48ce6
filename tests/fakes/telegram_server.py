"""A real HTTP server speaking the Bot API protocol, backed by a ``FakeTelegram``.

Lets the bot run unmodified in another process: point it at ``server.base_url`` and it talks
HTTP to ``/bot<token>/<method>`` exactly as it would to api.telegram.org. When the bot sets a
webhook, queued updates are POSTed to it like Telegram does.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakes.protocol import DEFAULT_TOKEN, BotApiError, token_error
from tests.fakes.records import UploadedFile
from tests.fakes.telegram_core import FakeTelegram
from tests.fakes.webhooks import WebhookDelivery

JSON = dict[str, Any]

_API_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_FILE_PATH = re.compile(r"^/file/bot(?P<token>[^/]+)/(?P<path>.+)$")
_NOT_FOUND = BotApiError(404, "Not Found")


class _HttpServer(ThreadingHTTPServer):
    """Thread-per-connection server that can drop its keep-alive connections on stop."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: FakeBotApiServer, address: tuple[str, int]) -> None:
        self.owner = owner
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients vanishing (a bot killed mid-poll, or our own shutdown) are expected."""
        vanished = isinstance(sys.exc_info()[1], ConnectionError)
        if not self.stopping.is_set() and not vanished:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes one HTTP request to the fake Bot API."""

    protocol_version = "HTTP/1.1"  # keep-alive, like api.telegram.org
    disable_nagle_algorithm = True  # headers and body go out separately: avoid 40 ms stalls
    server: _HttpServer

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; the fake records calls itself."""

    def _handle(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        path = unquote(parts.path)  # PTB percent-encodes the token's ':' in file URLs
        body = self._read_body()
        if file_match := _FILE_PATH.match(path):
            owner.record_token(file_match["token"])
            self._serve_file(file_match["token"], file_match["path"])
            return
        api_match = _API_PATH.match(path)
        if api_match is None:
            self._send_json(_NOT_FOUND.code, _NOT_FOUND.to_response())
            return
        token = api_match["token"]
        owner.record_token(token)
        if error := token_error(token, owner.token):
            self._send_json(error.code, error.to_response())
            return
        try:
            params, files = self._parse_body(parts.query, body)
        except ValueError as exc:
            self._send_json(400, BotApiError(400, f"Bad Request: {exc}").to_response())
            return
        status, response = owner.core.respond(
            api_match["method"], params, files, token=token, abort=self.server.stopping.is_set
        )
        self._send_json(status, response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # skip trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _parse_body(self, query: str, body: bytes) -> tuple[JSON, dict[str, UploadedFile]]:
        params: JSON = dict(parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        content_type = self.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if not body:
            pass
        elif media_type == "application/json":
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON object expected")
            params.update(decoded)
        elif media_type == "multipart/form-data":
            fields, files = parse_multipart(body, content_type)
            params.update(fields)
        else:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params, files

    def _serve_file(self, token: str, file_path: str) -> None:
        owner = self.server.owner
        stored = owner.core.file_by_path(file_path)
        if token_error(token, owner.token) is not None or stored is None:
            self._send_json(_NOT_FOUND.code, _NOT_FOUND.to_response())
            return
        self._send_bytes(200, stored.data, stored.mime_type or "application/octet-stream")

    def _send_json(self, status: int, body: JSON) -> None:
        self._send_bytes(status, json.dumps(body).encode("utf-8"), "application/json")

    def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status, _phrase(status))
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. cancelled long poll)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def parse_multipart(body: bytes, content_type: str) -> tuple[JSON, dict[str, UploadedFile]]:
    """Split multipart/form-data into text fields and file parts, byte-exact."""
    header = Message()
    header["Content-Type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart boundary is missing")
    fields: JSON = {}
    files: dict[str, UploadedFile] = {}
    for section in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if section.startswith(b"--"):
            break
        head, _, data = section.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        part = _part_headers(head)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = data.removesuffix(b"\r\n")
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode("utf-8", "replace")
        else:
            mime = part.get_content_type() if part["Content-Type"] else "application/octet-stream"
            files[name] = UploadedFile(filename, mime, data)
    return fields, files


def _part_headers(head: bytes) -> Message:
    message = Message()
    for line in head.decode("utf-8", "replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            message[key.strip()] = value.strip()
    return message


class _WebhookPusher(threading.Thread):
    """POSTs queued updates to the bot's webhook as Telegram does: up to the webhook's
    `max_connections` requests at once (a chat's updates one at a time)."""

    def __init__(
        self,
        core: FakeTelegram,
        stopping: threading.Event,
        retry_delay: float,
        routes: dict[str, str],
    ) -> None:
        super().__init__(name="fake-telegram-webhook", daemon=True)
        self._core = core
        self._stopping = stopping
        self._retry_delay = retry_delay
        self._routes = routes
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._pool = ThreadPoolExecutor(100, thread_name_prefix="fake-telegram-webhook")

    def run(self) -> None:
        try:
            while not self._stopping.is_set():
                delivery = self._core.next_webhook_delivery(1.0, self._stopping.is_set)
                if delivery is not None:
                    self._pool.submit(self._deliver, delivery)
        finally:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def _deliver(self, delivery: WebhookDelivery) -> None:
        error = self._post(delivery)
        if error is not None:
            self._stopping.wait(self._retry_delay)  # Telegram waits before trying again
        self._core.finish_webhook_delivery(delivery.update["update_id"], error)

    def _local(self, url: str) -> str:
        """The address behind a public HTTPS URL, as a TLS-terminating proxy would map it."""
        parts = urlsplit(url)
        local = self._routes.get(f"{parts.scheme}://{parts.netloc}")
        return url if local is None else local + url[len(f"{parts.scheme}://{parts.netloc}") :]

    def _post(self, delivery: WebhookDelivery) -> str | None:
        headers = {"Content-Type": "application/json"}
        if delivery.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = delivery.secret_token
        request = urllib.request.Request(
            self._local(delivery.url),
            json.dumps(delivery.update).encode("utf-8"),
            headers,
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            return f"Wrong response from the webhook: {exc.code} {exc.reason}"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return "Connection refused" if "refused" in str(reason).lower() else str(reason)
        return None


class FakeBotApiServer:
    """HTTP front-end for a FakeTelegram on 127.0.0.1 and a free port.

    Use as a context manager. Configure the bot with ``base_url=server.api_url`` (PTB) or
    ``TELEGRAM_API_BASE_URL=server.base_url`` and ``server.token``.
    """

    def __init__(
        self,
        core: FakeTelegram | None = None,
        *,
        token: str | None = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        deliver_webhooks: bool = True,
        webhook_retry_delay: float = 0.2,
    ) -> None:
        self.core = core if core is not None else FakeTelegram()
        self.token = token  # None accepts any well-formed token
        self.tokens_seen: list[str] = []
        self._address = (host, port)
        self._deliver_webhooks = deliver_webhooks
        self._webhook_retry_delay = webhook_retry_delay
        self._httpd: _HttpServer | None = None
        self._threads: list[threading.Thread] = []
        self._tokens_lock = threading.Lock()
        self._routes: dict[str, str] = {}

    def public_webhook_url(self, local_port: int, path: str = "/telegram") -> str:
        """An HTTPS URL on a port Telegram delivers to, for a bot listening on plain HTTP
        at 127.0.0.1:`local_port`: like production, where a TLS-terminating proxy sits
        in front of the bot, this server POSTs what Telegram sends there to the bot."""
        public = f"https://webhook-{local_port}.attune.example:8443"
        self._routes[public] = f"http://127.0.0.1:{local_port}"
        return public + path

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``; the bot appends ``/bot<token>/<method>``."""
        return f"http://{self._address[0]}:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``telegram.Bot(base_url=...)``."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """Value for ``telegram.Bot(base_file_url=...)``."""
        return f"{self.base_url}/file/bot"

    def record_token(self, token: str) -> None:
        """Remember every token presented, including rejected ones."""
        with self._tokens_lock:
            if token not in self.tokens_seen:
                self.tokens_seen.append(token)

    def start(self) -> FakeBotApiServer:
        if self._httpd is not None:
            return self
        self._httpd = _HttpServer(self, self._address)
        serve = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-telegram-http",
            daemon=True,
        )
        self._threads = [serve]
        if self._deliver_webhooks:
            self._threads.append(
                _WebhookPusher(
                    self.core, self._httpd.stopping, self._webhook_retry_delay, self._routes
                )
            )
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end pending long polls and close keep-alive connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.stopping.set()
        self.core.wake_waiters()
        httpd.shutdown()
        httpd.drop_connections()
        httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads = []

    def __enter__(self) -> FakeBotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
