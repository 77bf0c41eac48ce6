"""SIGKILL the real bot after a break's timer fired and committed, before its message got out.

The return question is on record the moment the timer's turn commits (it is
staged in the outbox in that transaction). Telegram answers 500 to it, the
bot is killed while it waits to try again, and restarted: the question must
arrive exactly once. Before the timers went through the delivery record, the
message lived only in memory between the commit and the send, and was lost.
The figures are printed (`pytest -s`) for the issue.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cooldown.models import CooldownTimer
from bot.engine.content import Content
from bot.storage.types import utcnow
from tests.e2e.harness import in_database, running_bot, start_as_a_couple, take_a_break
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e


def statuses(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        return dict(
            connection.execute("SELECT status, count(*) FROM outbox_messages GROUP BY status")
        )


def pausing(db: Path) -> int:
    """Messages tried, refused, and waiting to be tried again."""
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM outbox_messages WHERE status = 'claimed' AND attempts > 0"
        ).fetchone()
    return int(count)


def timers(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT count(*) FROM cooldown_timers").fetchone()
    return int(count)


def test_a_kill_between_the_timers_commit_and_its_send_loses_nothing_and_repeats_nothing(
    server: FakeBotApiServer, tmp_path: Path, content: Content
) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = server.core.user(721, "Alex"), server.core.user(722, "Sam")
    db = tmp_path / "attune.db"
    url = f"sqlite+aiosqlite:///{db}"
    core = server.core
    ask = en("cooldown_ask")

    def asks(*, failed: bool) -> int:
        calls = core.sent_to(alex.id, include_failed=True)
        return sum(1 for c in calls if c.params.get("text") == ask and c.ok != failed)

    with running_bot(server, url, tmp_path / "bot.log") as bot:
        start_as_a_couple(url, alex, sam)
        take_a_break(alex, "Sam", content, tell_partner=False)

        core.fail_next("sendMessage", 500, times=10_000, chat_id=alex.id)
        in_database(url, due_now)
        core.wait_for(lambda c: c.params.get("text") == ask and not c.ok, timeout=20)
        deadline = time.monotonic() + 20
        while pausing(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # its tries refused, it waits in the outbox for the next one
        bot.kill()  # the timer's turn committed; its message has not got out
        failed_before_kill = asks(failed=True)
        left = statuses(db)
        assert timers(db) == 0, "the timer fired and its claim committed"
        assert asks(failed=False) == 0
        core.stop_failing()
        bot.start()
        deadline = time.monotonic() + 30
        while asks(failed=False) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3)  # a second sweep of the outbox, had anything been left to send
        assert bot.stop() == 0
    arrived = asks(failed=False)
    print(
        f"\ntimer killed between commit and send: refused tries before the kill "
        f"{failed_before_kill}; outbox at the kill {left}; after the restart: return "
        f"question arrived {arrived}/1 (lost {max(0, 1 - arrived)}, duplicated "
        f"{max(0, arrived - 1)}); outbox {statuses(db)}"
    )
    assert arrived == 1
    assert [m.text for m in alex.inbox()].count(ask) == 1


async def due_now(sessions) -> None:
    """Twenty minutes pass: the break's return timer is due."""
    async with sessions() as session, session.begin():
        await session.exec(
            update(CooldownTimer).where(CooldownTimer.kind == "return").values(due_at=utcnow())
        )
