"""Check-ins end to end: real bot processes, one real PostgreSQL, the fake Bot API over HTTP.

Due rows are written straight into the database (the clock in a real process
is real); a short sweep interval and lease make the processes act quickly.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.nudges.models import SENT, UNKNOWN, NudgeDelivery, NudgeSchedule
from bot.storage.db import create_engine
from bot.storage.models import User
from tests.e2e.harness import BotProcess
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

FAST = {
    "NUDGE_SWEEP_SECONDS": "0.3",
    "NUDGE_LEASE_SECONDS": "2",
    "TELEGRAM_MESSAGES_PER_SECOND": "200",
    "LOG_LEVEL": "INFO",
}


async def due_people(url: str, server: FakeBotApiServer, ids: range) -> None:
    """People who talked to the bot before, each with a check-in due a minute ago."""
    for user_id in ids:
        update = server.core.user(user_id, f"P{user_id}").send_text("/start")
        server.core.consume_update(update["update_id"])  # the chat exists; no /start to answer
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": i,
                    "chat_id": i,
                    "first_name": f"P{i}",
                    "lang": "en",
                    "active": True,
                    "created_at": now - timedelta(days=30),
                }
                for i in ids
            ],
        )
        await connection.execute(
            insert(NudgeSchedule.__table__),  # type: ignore[attr-defined]
            [
                {
                    "user_id": i,
                    "days": "0,1,2,3,4,5,6",
                    "minute": 0,
                    "quiet_start": None,
                    "quiet_end": None,
                    "stride": 1,
                    "unanswered": 0,
                    "regular_due_at": due,
                    "next_due_at": due,
                    "summary": False,
                    "kind_cursor": 0,
                }
                for i in ids
            ],
        )
    await engine.dispose()


async def delivery_counts(url: str, column: Any) -> dict[str, int]:
    """Delivery rows per value of `column` (status, owner)."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(select(column, func.count()).group_by(column))
        result = {value: count for value, count in rows}
    await engine.dispose()
    return result


def nudges_by_chat(server: FakeBotApiServer) -> collections.Counter[int]:
    """How many check-in messages each chat received (messages with check-in buttons)."""
    counts: collections.Counter[int] = collections.Counter()
    for call in server.core.calls_to("sendMessage"):
        markup = call.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        if call.ok and any(b.get("callback_data", "").startswith("nu|") for r in rows for b in r):
            counts[int(call.params["chat_id"])] += 1
    return counts


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def bot(server: FakeBotApiServer, url: str, log: Path, **env: str) -> BotProcess:
    return BotProcess(server, url, log, {**FAST, **env})


def test_two_processes_on_one_postgres_deliver_every_check_in_exactly_once(
    server: FakeBotApiServer, postgres_url: str, tmp_path: Path
) -> None:
    people = range(5001, 5201)
    asyncio.run(due_people(postgres_url, server, people))
    # Nobody dies here, so the lease only has to outlast a slow sweep on a busy machine;
    # each process keeps to half of Telegram's 30 a second, so no 429 pauses a claim.
    calm = {
        "NUDGE_BATCH_SIZE": "15",
        "NUDGE_LEASE_SECONDS": "60",
        "TELEGRAM_MESSAGES_PER_SECOND": "14",
    }
    first = bot(server, postgres_url, tmp_path / "a.log", **calm)
    second = bot(server, postgres_url, tmp_path / "b.log", **calm)
    try:
        first.start(wait=False)
        second.start(wait=False)
        wait_until(lambda: len(nudges_by_chat(server)) == len(people), 60, "every check-in")
        time.sleep(2)  # time enough for any duplicate to show up
    finally:
        for process in (first, second):
            if process.process is not None and process.process.poll() is None:
                process.stop()
    counts = nudges_by_chat(server)
    assert set(counts) == set(people)
    assert max(counts.values()) == 1, [c for c, n in counts.items() if n > 1]
    assert asyncio.run(delivery_counts(postgres_url, NudgeDelivery.status)) == {SENT: len(people)}
    owners = asyncio.run(delivery_counts(postgres_url, NudgeDelivery.owner))
    assert len(owners) == 2 and min(owners.values()) >= 15, f"both processes worked: {owners}"
    assert "took over" not in first.log + second.log, "nobody died, so nothing was taken over"


class Gate:
    """Lets the first `open_for` check-in sends through, then holds the rest at the server."""

    def __init__(self, server: FakeBotApiServer, open_for: int) -> None:
        self.core = server.core
        self.open_for = open_for
        self.passed = 0
        self.held = 0
        self.release = threading.Event()
        self.lock = threading.Lock()
        self._respond = self.core.respond
        self.core.respond = self.respond  # type: ignore[method-assign]

    def respond(self, method: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if method == "sendMessage" and "nu|" in str((params or {}).get("reply_markup", "")):
            with self.lock:
                hold = self.passed >= self.open_for
                if hold:
                    self.held += 1
                else:
                    self.passed += 1
            if hold:
                self.release.wait(30)
        return self._respond(method, params, *args, **kwargs)


def test_a_process_killed_mid_sweep_loses_nothing_and_repeats_nothing(
    server: FakeBotApiServer, postgres_url: str, tmp_path: Path
) -> None:
    people = range(6001, 6061)
    asyncio.run(due_people(postgres_url, server, people))
    gate = Gate(server, open_for=20)
    crashed = bot(server, postgres_url, tmp_path / "crashed.log", TELEGRAM_SEND_CONCURRENCY="4")
    crashed.start(wait=False)
    wait_until(lambda: gate.held == 4, 60, "four sends in flight")
    crashed.kill()  # SIGKILL with 20 sent, 4 requests in flight, 36 claimed and not yet sent
    gate.release.set()  # the in-flight requests arrive after all, as they would at Telegram
    wait_until(lambda: sum(nudges_by_chat(server).values()) == 24, 10, "in-flight sends")

    restarted = bot(server, postgres_url, tmp_path / "restarted.log")
    restarted.start(wait=False)
    try:
        wait_until(lambda: len(nudges_by_chat(server)) == len(people), 60, "every check-in")
        time.sleep(2)
    finally:
        restarted.stop()
    counts = nudges_by_chat(server)
    assert set(counts) == set(people), "nothing lost"
    assert max(counts.values()) == 1, "nothing sent twice"
    assert asyncio.run(delivery_counts(postgres_url, NudgeDelivery.status)) == {
        SENT: 56,
        UNKNOWN: 4,
    }
    assert "took over 36 check-ins" in restarted.log
    assert "4 check-in sends were interrupted" in restarted.log
