"""Webhook mode against large posts: strangers are refused before their body is read.

Before, the webhook read any body up to ~100 MB before looking at the secret:
four unauthenticated 90 MB posts took the process from 101 to 555 MB. Now the
secret header is checked as soon as the headers arrive and bodies are capped
at 1 MiB (a Telegram update is a few kilobytes), so such posts cost nothing
and the bot goes on answering.
"""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from tests.e2e.harness import BotProcess
from tests.e2e.test_webhook import SECRET, free_port
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e

MB = 1 << 20
CHUNK = b"x" * MB


def big_post(port: int, megabytes: int, secret: str | None, *, chunked: bool = False) -> str:
    """Send a `megabytes` body; returns the status, or how the server cut us off."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(megabytes * MB)
    try:
        connection.putrequest("POST", "/telegram")
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        for _ in range(megabytes):
            connection.send(b"%x\r\n%s\r\n" % (MB, CHUNK) if chunked else CHUNK)
        if chunked:
            connection.send(b"0\r\n\r\n")
        return str(connection.getresponse().status)
    except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
        try:
            return str(connection.getresponse().status)  # the answer may be waiting
        except (OSError, http.client.HTTPException):
            return "closed"
    finally:
        connection.close()


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / MB


class PeakMemory:
    """The largest resident size of process `pid` while the block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.mb = rss_mb(pid)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.mb = max(self.mb, rss_mb(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def webhook_bot(server: FakeBotApiServer, tmp_path: Path, port: int) -> BotProcess:
    """The real bot in webhook mode on `port`, with its own SQLite file and log."""
    return BotProcess(
        server,
        f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}",
        tmp_path / "bot.log",
        {
            "WEBHOOK_URL": server.public_webhook_url(port),
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        },
    )


def test_large_posts_are_refused_before_their_body_is_read(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    port = free_port()
    bot = webhook_bot(server, tmp_path, port)
    bot.start(wait=False)
    try:
        server.core.wait_for(lambda c: c.method == "setWebhook", timeout=30)
        alex = server.core.user(811, "Alex")
        alex.send_command("/help")
        alex.wait_for_reply()
        assert bot.process is not None
        before = rss_mb(bot.process.pid)
        with PeakMemory(bot.process.pid) as peak, ThreadPoolExecutor(4) as pool:
            strangers = list(pool.map(lambda _: big_post(port, 90, None), range(4)))
            wrong_secret = big_post(port, 90, "not-the-secret")
            stranger_chunked = big_post(port, 90, None, chunked=True)
            too_big = big_post(port, 90, SECRET)
            too_big_chunked = big_post(port, 20, SECRET, chunked=True)

        alex.send_command("/topics")
        alex.wait_for_reply("Pick a conversation")  # still answering
        print(f"webhook RSS: {before:.0f} MB before, {peak.mb:.0f} MB at most during the posts")
        assert bot.stop() == 0
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()
    assert set(strangers) <= {"403", "closed"} and wrong_secret in {"403", "closed"}
    assert stranger_chunked in {"403", "closed"}
    assert too_big in {"413", "closed"} and too_big_chunked in {"400", "413", "closed"}
    assert peak.mb - before < 20, f"{before:.0f} MB -> {peak.mb:.0f} MB"
    assert SECRET not in bot.log


def test_an_unreadable_update_posted_with_the_secret_is_taken_and_skipped(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    port = free_port()
    bot = webhook_bot(server, tmp_path, port)
    bot.start(wait=False)
    try:
        server.core.wait_for(lambda c: c.method == "setWebhook", timeout=30)
        words = "nobody must read this in a log"
        poison = {"update_id": 9, "message": {"message_id": 1, "text": words}}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        connection.request("POST", "/telegram", json.dumps(poison), headers)
        status = connection.getresponse().status
        connection.close()
        alex = server.core.user(812, "Alex")
        alex.send_command("/help")
        alex.wait_for_reply()
        assert bot.stop() == 0
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()
    assert status == 200, "taken, so Telegram does not send it again and again"
    assert words not in bot.log and "could not be read" in bot.log
