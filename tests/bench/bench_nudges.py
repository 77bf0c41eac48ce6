"""Check-in benchmarks with 100,000 people.

- computing and storing everyone's next due time (SQLite and PostgreSQL);
- sweep throughput: due rows claimed per second (SQLite and PostgreSQL);
- sending: the real bot process against a fake Bot API that answers 429 above
  30 messages a second — messages per second and 429s;
- resident memory of that bot process with 100,000 people scheduled.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.coach import Coach
from bot.config import PROJECT_ROOT, Settings
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.nudges.models import NudgeSchedule
from bot.nudges.schedule import Quiet, Rhythm, next_due
from bot.nudges.store import ensure_schedules
from bot.nudges.sweep import Sweep
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.models import User
from tests.e2e.harness import BotProcess
from tests.fakes.telegram_core import FakeTelegram
from tests.fakes.telegram_server import FakeBotApiServer
from tests.support.postgres import postgres_server

USERS = 100_000
SENDS = 450
LIMIT_PER_SECOND = 30
ZONES = (
    "Europe/Istanbul",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Africa/Cairo",
    "Asia/Dubai",
    None,  # the default timezone
)
NOW = datetime.now(UTC).replace(microsecond=0)


async def add_people(engine: AsyncEngine, count: int = USERS) -> None:
    created = NOW - timedelta(days=30)
    async with engine.begin() as connection:
        for start in range(1, count + 1, 10_000):
            rows = [
                {
                    "id": i,
                    "chat_id": i,
                    "first_name": f"P{i}",
                    "lang": "en" if i % 3 else "tr",
                    "timezone": ZONES[i % len(ZONES)],
                    "active": True,
                    "created_at": created,
                }
                for i in range(start, min(start + 10_000, count + 1))
            ]
            await connection.execute(insert(User.__table__), rows)  # type: ignore[attr-defined]


async def schedule_everyone(engine: AsyncEngine) -> float:
    """Seconds to compute and store the default schedule of everyone who has none."""
    sessions = session_factory(engine)
    began = time.perf_counter()
    while True:
        async with sessions() as session, session.begin():
            if await ensure_schedules(session, NOW, "Europe/Istanbul", limit=5000) == 0:
                break
    return time.perf_counter() - began


def pure_computation() -> tuple[float, float]:
    """(µs per next-due computation without the cache, seconds for 100,000 with it)."""
    rhythms = [
        Rhythm((1, 4), 19 * 60 + 30, ZONES[i % len(ZONES)] or "UTC", Quiet(22 * 60, 8 * 60))
        for i in range(USERS)
    ]
    uncached = next_due.__wrapped__  # type: ignore[attr-defined]
    began = time.perf_counter()
    for i, rhythm in enumerate(rhythms[:5000]):
        uncached(rhythm, NOW + timedelta(minutes=i))
    per_call = (time.perf_counter() - began) / 5000 * 1e6
    next_due.cache_clear()
    began = time.perf_counter()
    for rhythm in rhythms:
        next_due(rhythm, NOW)
    return per_call, time.perf_counter() - began


def make_sweep(engine: AsyncEngine, batch: int) -> Sweep:
    settings = Settings(default_timezone="Europe/Istanbul", nudge_batch_size=batch)
    content = load_content(PROJECT_ROOT / "dialogs")
    coach = Coach(content, session_factory(engine), lambda: NOW, settings, features=FEATURES)
    job = next(p for p in coach.periodic if p.name == "nudges")
    assert isinstance(job.hooks, Sweep)
    return job.hooks


async def make_all_due(engine: AsyncEngine) -> None:
    due = NOW - timedelta(minutes=1)
    async with engine.begin() as connection:
        await connection.execute(
            update(NudgeSchedule.__table__).values(  # type: ignore[attr-defined]
                regular_due_at=due, next_due_at=due, last_nudged_at=None, quiet_start=None
            )
        )


async def claim_everything(engine: AsyncEngine, batch: int = 1000) -> tuple[int, float]:
    """Claim every due row in batches (claims only, no composing); returns (claims, seconds)."""
    sweep = make_sweep(engine, batch)
    claimed, began = 0, time.perf_counter()
    while found := await sweep.claim(NOW):
        claimed += len(found)
    return claimed, time.perf_counter() - began


async def compose_rate(engine: AsyncEngine, count: int = 1000) -> float:
    """Claimed check-ins composed per second (kind, prompt, message; one transaction each)."""
    due = NOW - timedelta(minutes=2)  # not the occurrence already claimed above
    async with engine.begin() as connection:
        ids = select(NudgeSchedule.user_id).limit(count).scalar_subquery()
        await connection.execute(
            update(NudgeSchedule.__table__)  # type: ignore[attr-defined]
            .where(NudgeSchedule.user_id.in_(ids))  # type: ignore[attr-defined]
            .values(regular_due_at=due, next_due_at=due, last_nudged_at=None)
        )
    sweep = make_sweep(engine, count)
    began = time.perf_counter()
    outs = await sweep.run()
    return len(outs) / (time.perf_counter() - began)


async def database_figures(label: str, url: str) -> None:
    engine = create_engine(url)
    await migrate(engine)
    await add_people(engine)
    stored = await schedule_everyone(engine)
    async with engine.connect() as connection:
        count = (await connection.execute(select(func.count()).select_from(NudgeSchedule))).scalar()
    assert count == USERS, count
    print(
        f"{label}: next due times for {USERS:,} people computed and stored in {stored:.1f} s "
        f"({USERS / stored:,.0f}/s)"
    )
    await make_all_due(engine)
    claimed, seconds = await claim_everything(engine)
    assert claimed == USERS, claimed
    print(
        f"{label}: sweep claimed {claimed:,} due check-ins in {seconds:.1f} s "
        f"({claimed / seconds:,.0f} claims/s, batches of 1000)"
    )
    print(f"{label}: composing claimed check-ins: {await compose_rate(engine):,.0f}/s")
    await engine.dispose()


def nudge_times(fake: FakeTelegram) -> list[float]:
    times = []
    for call in fake.calls_to("sendMessage"):
        markup = call.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        if call.ok and any(b.get("callback_data", "").startswith("nu|") for r in rows for b in r):
            times.append(call.at)
    return sorted(times)


def wait_for_sends(fake: FakeTelegram, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while len(nudge_times(fake)) < SENDS and time.monotonic() < deadline:
        time.sleep(0.2)


class MemoryWatch(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.1)

    @property
    def now(self) -> int:
        return self.process.memory_info().rss


async def sending_and_memory() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'send.db'}"
        engine = create_engine(url)
        await migrate(engine)
        await add_people(engine)
        await schedule_everyone(engine)
        due = datetime.now(UTC) - timedelta(minutes=1)
        async with engine.begin() as connection:
            await connection.execute(
                update(NudgeSchedule.__table__)  # type: ignore[attr-defined]
                .where(NudgeSchedule.user_id <= SENDS)  # type: ignore[operator]
                .values(regular_due_at=due, next_due_at=due, quiet_start=None)
            )
        await engine.dispose()
        fake = FakeTelegram(rate_limit_per_sec=LIMIT_PER_SECOND)
        with FakeBotApiServer(fake) as server:
            for i in range(1, SENDS + 1):
                update_ = fake.user(i, f"P{i}").send_text("/start")
                fake.consume_update(update_["update_id"])
            env = {"NUDGE_SWEEP_SECONDS": "1", "LOG_LEVEL": "WARNING"}
            bot = BotProcess(server, url, Path(tmp) / "bot.log", env)
            bot.start()
            assert bot.process is not None
            watch = MemoryWatch(bot.process.pid)
            watch.start()
            await asyncio.to_thread(wait_for_sends, fake, 120)
            await asyncio.sleep(3)  # a few idle sweeps over 100,000 scheduled rows
            settled = watch.now
            watch.stopped.set()
            bot.stop()
        times = nudge_times(fake)
    rate = (len(times) - 1) / (times[-1] - times[0])
    within = abs(rate - LIMIT_PER_SECOND) <= 0.1 * LIMIT_PER_SECOND
    print(
        f"sending: {len(times)} check-ins at {rate:.1f} messages/s against a limit of "
        f"{LIMIT_PER_SECOND}/s ({'within' if within else 'NOT within'} 10%), "
        f"{fake.too_many_requests} answered 429"
    )
    mib = 1024 * 1024
    print(
        f"bot process with {USERS:,} people scheduled: resident memory {settled / mib:.0f} MiB "
        f"after sending, peak {watch.peak / mib:.0f} MiB "
        f"(target < 150 MB: {'met' if watch.peak < 150e6 else 'MISSED'})"
    )


async def main() -> None:
    per_call, cached = pure_computation()
    print(
        f"next-due computation: {per_call:.0f} µs each (CronTrigger walk); "
        f"{USERS:,} people sharing rhythms in {cached:.2f} s with the cache"
    )
    with tempfile.TemporaryDirectory() as tmp:
        await database_figures("SQLite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
    with postgres_server() as pg:
        await database_figures("PostgreSQL", pg.url(pg.create_database()))
    await sending_and_memory()
