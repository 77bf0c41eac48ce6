"""Async engine and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import sqlite_inline


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine with per-dialect settings applied.

    SQLite needs foreign keys switched on per connection (for ON DELETE
    CASCADE), WAL for concurrent readers, and the driver's own transaction
    handling off so that `WriterLock` decides when transactions start — and
    waits, on the event loop, for another process's write lock (`BusyWait`).

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
                database or ":memory:", timeout=0, isolation_level=None
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
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    kwargs.setdefault("connect_args", {"prepared_statement_cache_size": PREPARED_STATEMENTS})
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle)
    event.listen(engine.sync_engine.pool, "checkin", _note_checkin)
    return engine


POOL_SIZE = 24
"""Connections kept open (PostgreSQL). Up to 64 turns run at once; with SQLAlchemy's
default of 5 the extra ones were opened and closed again turn after turn, each time
paying for the connection and re-preparing every statement on it."""
POOL_OVERFLOW = 16
PREPARED_STATEMENTS = 512
"""asyncpg's prepared statements kept per connection (default 100): every query a
turn makes stays prepared, so none costs a second round trip to prepare again."""
IDLE_PING_SECONDS = 10.0
"""A pooled PostgreSQL connection idle longer than this is checked before use.

SQLAlchemy's `pool_pre_ping` checks every checkout, which on asyncpg costs three
round trips (BEGIN, a ping, ROLLBACK) before each transaction: about half of
a turn's round trips under load. A connection used a moment ago is alive, or
its failure is a disconnect SQLAlchemy sees and replaces the pool for; only
one that sat idle (the server may have restarted meanwhile) is pinged.
"""


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["attune_used_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    used = record.info.get("attune_used_at")
    if used is not None and time.monotonic() - used < IDLE_PING_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:  # the pool replaces it with a fresh one
        raise DisconnectionError("idle connection no longer alive") from exc


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
    # Never wait inside SQLite: its calls run on the event loop, which a busy wait
    # there would freeze (polling and every other person included). `BusyWait`
    # waits on the loop instead.
    "PRAGMA busy_timeout=0",
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
            wait = BusyWait()
            while True:
                try:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                    return
                except Exception as exc:
                    if not wait.worth_waiting(exc):
                        raise
                await_(wait.pause())
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: Any) -> None:
        if connection.info.pop("attune_writer", False):
            self.lock.release()


BUSY_WAIT_SECONDS = 30.0
"""How long a transaction waits for another process's write lock before it fails."""


class BusyWait:
    """Waiting for SQLite's write lock on the event loop, with growing pauses.

    SQLite is asked with `busy_timeout=0`, so it answers "busy" at once rather
    than sleeping on the loop's thread; the caller pauses here (other
    coroutines run meanwhile) and asks again, for up to `BUSY_WAIT_SECONDS`.
    """

    FIRST_PAUSE = 0.002
    LONGEST_PAUSE = 0.1

    def __init__(self, seconds: float = BUSY_WAIT_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds
        self.next_pause = self.FIRST_PAUSE

    def worth_waiting(self, exc: BaseException) -> bool:
        """`exc` says the database is busy, and there is time left to wait."""
        return is_busy(exc) and time.monotonic() < self.deadline

    async def pause(self) -> None:
        await asyncio.sleep(self.next_pause)
        self.next_pause = min(self.next_pause * 2, self.LONGEST_PAUSE)


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, raw or wrapped by SQLAlchemy."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
