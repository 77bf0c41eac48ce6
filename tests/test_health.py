"""`python -m bot health`: the container's health check reads the running bot's heartbeat."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot import health
from tests.test_main import run


def test_a_fresh_heartbeat_is_healthy_and_a_stale_or_missing_one_is_not(tmp_path: Path) -> None:
    beat = tmp_path / "alive"
    assert health.check(beat) == (False, f"no heartbeat yet at {beat}")
    beat.touch()
    assert health.check(beat)[0]
    later = time.time() + health.STALE_AFTER_SECONDS + 1
    healthy, line = health.check(beat, now=later)
    assert not healthy and "more than" in line


class DatabaseDown:
    def connect(self) -> None:
        raise ConnectionRefusedError("the database is not answering")


async def test_a_beat_is_only_written_once_the_database_answers(tmp_path: Path) -> None:
    beat = tmp_path / "run" / "alive"
    with pytest.raises(ConnectionRefusedError):
        await health.beat(DatabaseDown(), beat)  # type: ignore[arg-type]
    assert not beat.exists()
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    await health.beat(engine, beat)
    await engine.dispose()
    assert beat.exists()


def test_the_command_exits_by_the_heartbeats_age(tmp_path: Path) -> None:
    beat = tmp_path / "alive"
    assert run("health", HEALTH_FILE=str(beat)).returncode == 1
    beat.touch()
    assert run("health", HEALTH_FILE=str(beat)).returncode == 0
    old = time.time() - health.STALE_AFTER_SECONDS - 5
    os.utime(beat, (old, old))
    done = run("health", HEALTH_FILE=str(beat))
    assert done.returncode == 1 and "heartbeat" in done.stderr
