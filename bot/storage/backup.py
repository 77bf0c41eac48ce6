"""A consistent copy of the embedded SQLite database while the bot keeps running.

Copying the file with `cp` can catch it half-written (and misses the WAL);
SQLite's online backup copies a consistent snapshot page by page instead.
PostgreSQL has its own tool for this (`pg_dump`).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.storage.db import is_sqlite


class BackupError(Exception):
    """Phrased as one line for the operator."""


def backup_sqlite(database_url: str, target: Path) -> Path:
    """Copy the database named by `database_url` to `target`; returns the path written."""
    if not is_sqlite(database_url):
        raise BackupError("DATABASE_URL is PostgreSQL: back it up with pg_dump (see README)")
    source = make_url(database_url).database
    if not source or source == ":memory:" or not Path(source).exists():
        raise BackupError(f"no database file at {source!r} yet")
    target = target / "attune-backup.db" if target.is_dir() else target
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
    return target
