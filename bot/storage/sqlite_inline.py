"""An aiosqlite-compatible connection that runs SQLite calls inline, on the event loop.

aiosqlite hands every call to a worker thread and back; on a small VM each
hop costs ~0.2 ms, and SQLAlchemy makes about four per statement, so a
statement that SQLite answers in 15 µs took ~0.8 ms. For the embedded,
single-process database that hop buys nothing: SQLite calls on a local file
are far shorter than the hand-off itself. SQLAlchemy's `async_creator` hook
lets us plug this in while keeping the stock `sqlite+aiosqlite` dialect.

The one danger: a call waiting on SQLite's busy lock (another process writing
the same file) would block the loop. So SQLite never waits (`busy_timeout=0`)
and transactions wait for the lock on the loop instead (`db.BusyWait`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any


class _Queue:
    """Stands in for aiosqlite's private task queue, which SQLAlchemy uses to
    set the isolation level: run the call now and resolve its future."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting caller, as aiosqlite does
            if future is not None:
                future.set_exception(exc)
        else:
            if future is not None:
                future.set_result(result)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _CursorContext:
    """`connection.cursor()` is awaitable and an async context manager in aiosqlite."""

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Any:
        async def done() -> InlineCursor:
            return self._cursor

        return done().__await__()

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection
        self._tx = _Queue()

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> _CursorContext:
        return _CursorContext(InlineCursor(self._conn.cursor()))

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> InlineCursor:
        return await InlineCursor(self._conn.cursor()).execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def creator(database: str, **kwargs: Any) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine` opening `database` inline."""

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(database, check_same_thread=False, **kwargs))

    return connect
