"""Async engine and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import sqlite_inline


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine with per-dialect settings applied.

    SQLite needs foreign keys switched on per connection (for ON DELETE
    CASCADE), WAL for concurrent readers, a busy timeout so two writers wait
    for each other across processes, and the driver's own transaction
    handling off so that `WriterLock` decides when transactions start.

    Parameters are left out of error messages (`hide_parameters`): they are
    people's answers, and error messages end up in logs.
    """
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            async_creator=sqlite_inline.creator(
                database or ":memory:", timeout=30, isolation_level=None
            ),
            **kwargs,
        )
        writer = WriterLock()
        _writers[engine.sync_engine] = writer
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", writer.begin)
        event.listen(engine.sync_engine, "commit", writer.end)
        event.listen(engine.sync_engine, "rollback", writer.end)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    apply_sqlite_pragmas(dbapi_connection)


def apply_sqlite_pragmas(connection: Any) -> None:
    """For every connection to the file, SQLAlchemy's and the fast path's alike."""
    cursor = connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=30000",
    # A deleted row is overwritten with zeros, not left in the file's free space
    # (see `erasure`): what people delete must not be readable from the disk.
    "PRAGMA secure_delete=ON",
)

_writers: weakref.WeakKeyDictionary[Any, WriterLock] = weakref.WeakKeyDictionary()


def sqlite_writer(engine: AsyncEngine) -> WriterLock | None:
    """The lock that queues `engine`'s write transactions (None unless SQLite)."""
    return _writers.get(engine.sync_engine)


class WriterLock:
    """One SQLite transaction at a time within this process, queued on the event loop.

    SQLite statements run inline on the loop (see `sqlite_inline`), so a
    second transaction must not wait for the file lock *inside* SQLite: that
    would block the loop while the first transaction, which needs the loop to
    finish, holds the lock. Waiting here suspends only the coroutine.
    `BEGIN IMMEDIATE` then takes SQLite's write lock up front, so a
    transaction that reads and later writes never fails half-way because
    another process wrote in between.
    """

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        """Held for the whole of each write transaction (also by `sqlite_direct`)."""

    def begin(self, connection: Any) -> None:
        await_(self.lock.acquire())
        connection.info["attune_writer"] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: Any) -> None:
        if connection.info.pop("attune_writer", False):
            self.lock.release()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
