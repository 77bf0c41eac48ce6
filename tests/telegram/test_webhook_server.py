"""The webhook answers 200 only once the update is stored, and refuses strangers early."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
import pytest

from bot.telegram.webhook import MAX_BODY_BYTES, SECRET_HEADER, webhook_server

SECRET = "s3cret"
UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def hook():
    stored: list[dict[str, Any]] = []
    broken = asyncio.Event()

    async def receive(update: dict[str, Any]) -> None:
        if broken.is_set():
            raise RuntimeError("database down")
        stored.append(update)

    port = free_port()
    server = webhook_server("/telegram", receive, SECRET)
    server.listen(port, address="127.0.0.1")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        yield client, stored, broken
    server.stop()
    await server.close_all_connections()


async def post(client: httpx.AsyncClient, body: bytes, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return (await client.post("/telegram", content=body, headers=headers)).status_code


async def test_an_update_is_stored_before_telegram_hears_200(hook) -> None:
    client, stored, _ = hook
    assert await post(client, json.dumps(UPDATE).encode()) == 200
    assert stored == [UPDATE]


async def test_an_update_that_cannot_be_stored_is_refused_so_telegram_sends_it_again(hook) -> None:
    client, stored, broken = hook
    broken.set()
    assert await post(client, json.dumps(UPDATE).encode()) == 500
    assert stored == []


async def test_strangers_and_oversized_bodies_are_refused(hook) -> None:
    client, stored, _ = hook
    assert await post(client, json.dumps(UPDATE).encode(), secret=None) == 403
    assert await post(client, json.dumps(UPDATE).encode(), secret="wrong") == 403
    assert await post(client, b"x" * (MAX_BODY_BYTES + 1)) == 413
    assert await post(client, b"not json") == 400
    assert stored == []
