"""Webhook mode: the bot registers its URL and secret, and refuses requests without it."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.harness import BotProcess
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e
SECRET = "s3cret-Token_42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(url: str, body: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_webhook_mode_receives_updates_and_checks_the_secret(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    port = free_port()
    url = server.public_webhook_url(port)  # HTTPS, in front of the bot's plain HTTP port
    local = f"http://127.0.0.1:{port}/telegram"
    bot = BotProcess(
        server,
        f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}",
        tmp_path / "bot.log",
        {
            "WEBHOOK_URL": url,
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
        },
    )
    bot.start(wait=False)
    try:
        hook = server.core.wait_for(lambda c: c.method == "setWebhook", timeout=30)
        assert hook.params["url"] == url and hook.params["secret_token"] == SECRET
        alex = server.core.user(801, "Alex")
        alex.send_command("/start")  # the fake pushes it to the webhook with the secret
        alex.wait_for_reply("Attune")
        forged = {
            "update_id": 5,
            "message": {
                "message_id": 9,
                "date": int(time.time()),
                "chat": {"id": 801, "type": "private"},
                "from": {"id": 801, "is_bot": False, "first_name": "Mallory"},
                "text": "/help",
            },
        }
        assert post(local, forged, None) == 403
        assert post(local, forged, "wrong") == 403
        assert bot.stop() == 0
    finally:
        if bot.process and bot.process.poll() is None:
            bot.kill()
    assert SECRET not in bot.log


def test_updates_posted_side_by_side_are_each_answered_once(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    """Telegram POSTs up to `max_connections` updates at once; none is lost or doubled."""
    port = free_port()
    bot = BotProcess(
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
    bot.start(wait=False)
    try:
        server.core.wait_for(lambda c: c.method == "setWebhook", timeout=30)
        people = [server.core.user(820 + i, f"P{i}") for i in range(12)]
        for person in people:
            person.send_command("/help")
        for person in people:
            person.wait_for_reply("Here's what I can do", timeout=30)
        assert bot.stop() == 0
    finally:
        if bot.process and bot.process.poll() is None:
            bot.kill()
    for person in people:
        assert sum("Here's what I can do" in m.text for m in person.inbox()) == 1
    assert server.core.pending_updates() == []
