"""The real bot while another process holds the SQLite write lock.

Before, the bot's event loop slept inside SQLite for as long as the other
process held the lock: no polling, no jobs, no replies to anyone. Now turns
that need the database wait for it on the loop, so polling goes on (updates
keep being fetched; they are confirmed to Telegram once the durable inbox could
store them) and everyone is answered as soon as the lock is released.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.e2e.harness import running_bot
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e


def wait_until(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def fetched(fake) -> set[int]:  # type: ignore[no-untyped-def]
    return {u["update_id"] for c in fake.calls_to("getUpdates") if c.ok for u in c.result or []}


def test_a_lock_held_by_another_process_freezes_nothing(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    fake = server.core
    database = tmp_path / "attune.db"
    people = [fake.user(931 + i, name) for i, name in enumerate(("Ada", "Bo", "Cem"))]
    with running_bot(server, f"sqlite+aiosqlite:///{database}", tmp_path / "bot.log") as bot:
        for person in people:
            person.send_command("/help")
            person.wait_for_reply()
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE users SET first_name = first_name")
        try:
            sent = {person.send_command("/topics")["update_id"] for person in people}
            wait_until(lambda: sent <= fetched(fake))  # the loop is not frozen
            assert sent <= {u["update_id"] for u in fake.pending_updates()}, (
                "not confirmed before they are stored"
            )
        finally:
            other.execute("COMMIT")
            other.close()
        for person in people:
            person.wait_for_reply("Pick a conversation")
        assert bot.stop() == 0
