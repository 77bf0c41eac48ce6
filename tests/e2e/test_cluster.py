"""Three processes on one PostgreSQL; SIGKILL the one fetching updates while 30 people write.

Another process takes over fetching within seconds, every process handles
stored updates in each person's order, and nothing is lost or done twice.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest

from bot.cluster import dsn
from tests.e2e.harness import BotProcess
from tests.e2e.test_inbox_kill import PEOPLE, prepare, write_all
from tests.engine.dialog_files import write_dialogs
from tests.fakes.telegram_server import FakeBotApiServer
from tests.telegram.test_inbox import CHAIN, STEPS, TAP, questions

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
TAKES_OVER = "this process now fetches updates"


async def query(url: str, sql: str) -> list[tuple]:
    connection = await asyncpg.connect(dsn(url))
    try:
        return [tuple(r) for r in await connection.fetch(sql)]
    finally:
        await connection.close()


def waiting(url: str) -> int:
    (updates,), (messages,) = (
        asyncio.run(query(url, "SELECT count(*) FROM inbox_updates WHERE status = 'pending'"))[0],
        asyncio.run(
            query(url, "SELECT count(*) FROM outbox_messages WHERE status IN ('claimed','sending')")
        )[0],
    )
    return int(updates) + int(messages)


def took_over_at(log: str) -> datetime | None:
    for line in log.splitlines():
        if TAKES_OVER in line:
            return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    return None


def test_three_processes_and_a_killed_poller_lose_nothing_and_repeat_nothing(
    server: FakeBotApiServer, postgres_url: str, tmp_path: Path
) -> None:
    dialogs = write_dialogs(
        tmp_path / "d", {"welcome.yaml": CHAIN, "tap.yaml": TAP}, topics=["welcome", "tap"]
    )
    prepare(postgres_url, dialogs)
    people = [server.core.user(5000 + n, f"P{n}") for n in range(PEOPLE)]
    env = {"DIALOGS_DIR": str(dialogs)}
    bots = [BotProcess(server, postgres_url, tmp_path / f"bot{i}.log", env) for i in range(3)]
    for bot in bots:
        bot.start(wait=False)
    stop = threading.Event()
    writer = threading.Thread(target=write_all, args=(people, stop, 3))
    try:
        deadline = time.monotonic() + 60
        while not any(TAKES_OVER in b.log for b in bots):
            assert time.monotonic() < deadline, "no process started fetching updates"
            time.sleep(0.1)
        (poller,) = [b for b in bots if TAKES_OVER in b.log]
        writer.start()
        server.core.wait_for(lambda c: len(server.core.calls_to("sendMessage")) >= 60, 60)
        killed_at = datetime.now()
        poller.kill()
        survivors = [b for b in bots if b is not poller]
        deadline = time.monotonic() + 30
        while not any(took_over_at(b.log) for b in survivors):
            assert time.monotonic() < deadline, "nobody took over fetching updates"
            time.sleep(0.1)
        writer.join()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and waiting(postgres_url):
            time.sleep(0.2)
        time.sleep(1)
        for bot in survivors:
            assert bot.stop() == 0
    finally:
        stop.set()
        if writer.is_alive():
            writer.join()
        for bot in bots:
            if bot.process and bot.process.poll() is None:
                bot.kill()

    takeover = min(t for b in survivors if (t := took_over_at(b.log))) - killed_at
    rows = asyncio.run(
        query(postgres_url, "SELECT user_id, key, text FROM reflections ORDER BY id")
    )
    stored: dict[int, list[tuple[str, str]]] = {}
    for user_id, key, text in rows:
        stored.setdefault(user_id, []).append((key, text))
    expected = {
        p.id: [(f"a{n}", f"{p.id}: answer {n}") for n in range(1, STEPS + 1)] for p in people
    }
    inbox = dict(
        asyncio.run(
            query(postgres_url, "SELECT status, count(*) FROM inbox_updates GROUP BY status")
        )
    )
    outbox = dict(
        asyncio.run(
            query(postgres_url, "SELECT status, count(*) FROM outbox_messages GROUP BY status")
        )
    )
    senders = asyncio.run(query(postgres_url, "SELECT count(DISTINCT owner) FROM outbox_messages"))[
        0
    ][0]
    asked = {p.id: questions([m.text for m in p.inbox()]) for p in people}
    missing = sum(len(set(range(1, STEPS + 1)) - set(q)) for q in asked.values())
    repeated = sum(len(q) - len(set(q)) for q in asked.values())
    answers = PEOPLE * STEPS
    handled = sum(len(set(stored.get(p, [])) & set(e)) for p, e in expected.items())
    print(
        f"\nthree processes, poller killed: answers handled {handled}/{answers}, "
        f"lost {answers - handled}; inbox {inbox}; outbox {outbox}; "
        f"questions missing {missing}, repeated {repeated}; sending processes {senders}; "
        f"fetching taken over after {takeover.total_seconds():.1f} s; "
        f"429s {server.core.too_many_requests}"
    )
    assert stored == expected, "every answer once, on its own question, in order"
    assert inbox == {"done": PEOPLE * (STEPS + 1)}
    assert repeated == 0
    assert missing <= outbox.get("unknown", 0), "only a send cut off by the kill is lost"
    assert takeover.total_seconds() < 10
    assert senders >= 2, "more than one process handled people"
