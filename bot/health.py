"""Liveness for container health checks: the running bot proves it is alive by a file.

A Telegram bot that polls has no port to probe, so the running process
touches a heartbeat file every `BEAT_SECONDS` after asking the database a
trivial question; `python -m bot health` (the Dockerfile's HEALTHCHECK)
reads the file's age. A stuck event loop or a lost database both stop the
beat, and the container is reported unhealthy.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

BEAT_SECONDS = 15.0
STALE_AFTER_SECONDS = 4 * BEAT_SECONDS
"""Several missed beats in a row, so one slow moment does not restart the bot."""


async def beat(engine: AsyncEngine, path: Path) -> None:
    """Touch `path` once the database has answered."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    touch(path)


def touch(path: Path) -> None:
    """A tiny local write; cheap enough to do on the loop every few seconds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


def age_seconds(path: Path, now: float | None = None) -> float | None:
    """Seconds since the last beat, or None when there was none."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return (time.time() if now is None else now) - modified


def check(path: Path, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line for the operator)."""
    age = age_seconds(path, now)
    if age is None:
        return False, f"no heartbeat yet at {path}"
    if age > STALE_AFTER_SECONDS:
        return False, f"last heartbeat {age:.0f} s ago (more than {STALE_AFTER_SECONDS:.0f} s)"
    return True, f"alive, last heartbeat {max(age, 0):.0f} s ago"
