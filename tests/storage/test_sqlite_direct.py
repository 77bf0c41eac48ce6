"""The embedded database's fast path: when it exists, and how it shares the file."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import text

from bot.storage.db import create_engine, session_factory
from bot.storage.sqlite_direct import DirectSqlite


async def test_it_exists_for_a_sqlite_file_not_for_memory(engine) -> None:
    assert DirectSqlite.for_engine(engine) is not None
    assert DirectSqlite.for_engine(create_engine("sqlite+aiosqlite:///:memory:")) is None


@pytest.mark.postgres
async def test_postgresql_always_takes_the_orm_path(postgres_url) -> None:
    postgres = create_engine(postgres_url)
    assert DirectSqlite.for_engine(postgres) is None
    await postgres.dispose()


async def test_its_connection_closes_with_the_engine(engine) -> None:
    direct = DirectSqlite.for_engine(engine)
    assert direct is not None
    async with direct.transaction() as connection:
        connection.execute("SELECT 1")
    await engine.dispose()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connection.execute("SELECT 1")


async def test_it_waits_for_an_orm_write_to_finish(engine) -> None:
    """Both paths queue on one lock, so neither blocks the loop on SQLite's file lock."""
    direct = DirectSqlite.for_engine(engine)
    assert direct is not None
    order: list[str] = []

    async def orm_write() -> None:
        async with session_factory(engine)() as s, s.begin():
            await s.exec(text("INSERT INTO couples (created_at) VALUES ('2026-01-01')"))
            order.append("orm wrote")
            await asyncio.sleep(0.05)
            order.append("orm commits")

    async def direct_read() -> None:
        await asyncio.sleep(0.01)  # the ORM transaction is open by now
        async with direct.transaction() as connection:
            count = connection.execute("SELECT count(*) FROM couples").fetchone()[0]
            order.append(f"direct sees {count}")

    await asyncio.gather(orm_write(), direct_read())
    assert order == ["orm wrote", "orm commits", "direct sees 1"]
