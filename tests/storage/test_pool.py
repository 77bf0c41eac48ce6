"""The PostgreSQL pool without a ping before every transaction, and one-statement autocommit.

A connection used a moment ago is not pinged (that was three round trips per
transaction); one idle longer than `IDLE_PING_SECONDS` is, so a server that
restarted meanwhile costs nobody's turn. A single statement runs on its own
in autocommit and is still all-or-nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asyncpg.transaction import Transaction
from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import db
from bot.storage.db import create_engine, session_factory
from bot.storage.models import User
from bot.storage.repo import run_alone

USERS: Any = User.__table__  # type: ignore[attr-defined]


@pytest.fixture
async def pg_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url)
    yield engine
    await engine.dispose()


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def terminate(url: str, pid: int) -> None:
    other = create_engine(url)
    async with other.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await other.dispose()


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[object]:
    calls: list[object] = []
    original = getattr(owner, name)

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


@pytest.mark.postgres
async def test_a_connection_used_a_moment_ago_is_not_pinged(pg_engine, monkeypatch) -> None:
    await backend_pid(pg_engine)
    pings = count_calls(monkeypatch, AsyncAdapt_asyncpg_connection, "ping")
    for _ in range(5):
        await backend_pid(pg_engine)
    assert pings == []
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    for _ in range(3):
        await backend_pid(pg_engine)
    assert len(pings) == 3, "an idle one is"


@pytest.mark.postgres
async def test_an_idle_connection_the_server_dropped_is_replaced(
    pg_engine, postgres_url, monkeypatch
) -> None:
    pid = await backend_pid(pg_engine)
    await terminate(postgres_url, pid)  # the server restarted, say, while the pool sat idle
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
    assert await backend_pid(pg_engine) != pid, "a fresh connection, and no error"


@pytest.mark.postgres
async def test_without_the_idle_ping_that_turn_would_have_failed(
    pg_engine, postgres_url, monkeypatch
) -> None:
    """The guard broken on purpose: with every connection counted as fresh, the dead one is used."""
    pid = await backend_pid(pg_engine)
    await terminate(postgres_url, pid)
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 1e9)
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver says about a dead link
        await backend_pid(pg_engine)


async def test_one_statement_alone_changes_what_it_says(db_engine, monkeypatch) -> None:
    sessions = session_factory(db_engine)
    async with sessions() as session, session.begin():
        await session.exec(  # type: ignore[call-overload]
            USERS.insert().values(
                id=5,
                chat_id=5,
                first_name="Alex",
                lang="en",
                active=True,
                quiet=False,
                created_at=db_utc(),
            )
        )
    begun = count_calls(monkeypatch, Transaction, "start")
    renamed = update(USERS).where(USERS.c.id == 5, USERS.c.first_name == "Alex")
    result = await run_alone(sessions, renamed.values(first_name="Sam"), {})
    assert result.rowcount == 1
    again = await run_alone(sessions, renamed.values(first_name="Kim"), {})
    assert again.rowcount == 0, "the condition still decides"
    transactions = len(begun)
    async with sessions() as session:
        name = (await session.exec(USERS.select().where(USERS.c.id == 5))).one().first_name  # type: ignore[call-overload]
    assert name == "Sam"
    if db_engine.dialect.name == "postgresql":
        assert transactions == 0, "no BEGIN and COMMIT around it: one round trip"


def db_utc() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC)
