"""Storage behaves the same on SQLite and on a real PostgreSQL (each test runs on both)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, text, update
from sqlmodel import col, select

from bot.engine.state import DialogState
from bot.storage import repo
from bot.storage.db import session_factory
from bot.storage.migrate import migrate
from bot.storage.models import DialogProgress, Reflection, User

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.fixture
def sessions(db_engine):
    return session_factory(db_engine)


async def test_a_user_is_created_once_with_a_dialog_session(sessions) -> None:
    async with sessions() as s, s.begin():
        user, created = await repo.ensure_user(s, 42, 42, "Alex", "tr", NOW)
        again, created_again = await repo.ensure_user(s, 42, 42, "Alex", "tr", NOW)
    assert created and not created_again and again is user
    async with sessions() as s:
        state, version = await repo.load_state(s, 42)
    assert state == DialogState() and version == 0


async def test_a_returning_user_who_had_blocked_the_bot_is_active_again(sessions) -> None:
    async with sessions() as s, s.begin():
        user, _ = await repo.ensure_user(s, 42, 42, "Alex", "en", NOW)
        user.active = False
    async with sessions() as s, s.begin():
        user, _ = await repo.ensure_user(s, 42, 42, "Alex", "en", NOW)
    async with sessions() as s:
        assert (await s.get(User, 42)).active


async def test_state_is_saved_with_compare_and_set(sessions) -> None:
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, 7, 7, "Sam", "en", NOW)
    moved = DialogState("welcome", "why_here")
    async with sessions() as s, s.begin():
        assert await repo.save_state(s, 7, moved, 0, NOW)
    async with sessions() as s, s.begin():
        assert not await repo.save_state(s, 7, DialogState("welcome", "mood"), 0, NOW)
    async with sessions() as s:
        assert await repo.load_state(s, 7) == (moved, 1)


async def test_concurrent_writers_cannot_both_win(sessions) -> None:
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, 8, 8, "Kim", "en", NOW)

    async def write(node: str) -> bool:
        async with sessions() as s, s.begin():
            return await repo.save_state(s, 8, DialogState("welcome", node), 0, NOW)

    results = await asyncio.gather(write("a"), write("b"))
    assert sorted(results) == [False, True]


async def test_progress_upserts_and_done_stays_done(sessions) -> None:
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, 9, 9, "Ana", "en", NOW)
        await repo.record_progress(s, 9, "safety", node="open", now=NOW)
        await repo.record_progress(s, 9, "safety", node="middle", now=NOW)
    async with sessions() as s:
        assert (await repo.progress(s, 9))["safety"].node == "middle"
    async with sessions() as s, s.begin():
        await repo.record_progress(s, 9, "safety", node=None, now=NOW, done=True)
        await repo.record_progress(s, 9, "safety", node="open", now=NOW)
    async with sessions() as s:
        row = (await repo.progress(s, 9))["safety"]
    assert (row.status, row.node) == (repo.DONE, None)


async def test_datetimes_come_back_as_aware_utc(sessions) -> None:
    istanbul = NOW.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Istanbul"))
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, 10, 10, "Deniz", "tr", istanbul)
    async with sessions() as s:
        user = await s.get(User, 10)
    assert user.created_at == NOW and user.created_at.tzinfo is not None
    with pytest.raises(Exception, match="naive"):
        async with sessions() as s, s.begin():
            await repo.ensure_user(s, 11, 11, "X", "en", NOW.replace(tzinfo=None))


async def test_deleting_a_user_removes_everything_they_own(sessions) -> None:
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, 12, 12, "Lee", "en", NOW)
        await repo.record_progress(s, 12, "safety", node="open", now=NOW)
        s.add(
            Reflection(
                user_id=12,
                dialog="safety",
                node="q",
                key="k",
                text="mine",
                created_at=NOW + timedelta(minutes=1),
            )
        )
    async with sessions() as s, s.begin():
        await s.delete(await s.get(User, 12))
    async with sessions() as s:
        assert (await s.exec(select(Reflection))).all() == []
        assert (await s.exec(select(DialogProgress))).all() == []


async def test_migrations_are_idempotent(db_engine) -> None:
    from alembic.script import ScriptDirectory

    from bot.storage.migrate import alembic_config

    await migrate(db_engine)
    async with db_engine.connect() as conn:
        heads = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    branches = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert sorted(h[0] for h in heads) == sorted(branches), "every branch at its newest, once"


async def test_transactions_that_wait_on_the_network_do_not_block_each_other(sessions) -> None:
    """A transaction suspended mid-way (say, awaiting I/O) lets the other queue, not deadlock."""
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, 13, 13, "Max", "en", NOW)
    order: list[str] = []
    slow_is_in = asyncio.Event()

    async def slow() -> None:
        async with sessions() as s, s.begin():
            await s.get(User, 13)
            order.append("slow-in")
            slow_is_in.set()
            await asyncio.sleep(0.05)
            (await s.get(User, 13)).first_name = "Slow"
            order.append("slow-out")

    async def quick() -> None:
        await slow_is_in.wait()
        async with sessions() as s, s.begin():
            order.append("quick")
            (await s.get(User, 13)).lang = "tr"

    await asyncio.wait_for(asyncio.gather(slow(), quick()), timeout=10)
    assert order[0] == "slow-in" and sorted(order) == ["quick", "slow-in", "slow-out"]
    async with sessions() as s:
        user = await s.get(User, 13)
    assert (user.first_name, user.lang) == ("Slow", "tr")


async def test_two_first_messages_at_once_create_one_user(sessions) -> None:
    async def first_contact() -> bool:
        async with sessions() as s, s.begin():
            _, created = await repo.ensure_user(s, 14, 14, "New", "en", NOW)
            return created

    results = await asyncio.gather(first_contact(), first_contact())
    assert sorted(results) == [False, True]


async def test_an_insert_ignoring_duplicates_keeps_the_first_row(sessions) -> None:
    table = User.__table__
    first = {"id": 9, "chat_id": 9, "first_name": "Ada", "lang": "en", "active": True}
    first |= {"quiet": False, "created_at": NOW}
    async with sessions() as s, s.begin():
        await s.exec(repo.insert_ignoring_duplicates(s, table), params=[first])
        again = first | {"first_name": "Bea"}
        result = await s.exec(repo.insert_ignoring_duplicates(s, table), params=[again])
        assert result.rowcount in (0, -1)
    async with sessions() as s:
        assert (await s.get(User, 9)).first_name == "Ada"


async def test_update_each_counts_the_rows_that_were_not_there(sessions) -> None:
    async with sessions() as s, s.begin():
        for uid in (21, 22):
            await repo.ensure_user(s, uid, uid, "P", "en", NOW)
    table = User.__table__
    rename = update(table).where(table.c.id == bindparam("b_id"))
    params = [{"b_id": 21, "first_name": "A"}, {"b_id": 99, "first_name": "B"}]
    async with sessions() as s, s.begin():
        missed = await repo.update_each(s, rename, params)
        assert await repo.update_each(s, rename, params[:1]) == 0
    multi = sessions.kw["bind"].dialect.supports_sane_multi_rowcount
    assert missed == (1 if multi else 0)


async def test_rows_locked_by_one_transaction_are_skipped_by_another(sessions) -> None:
    async with sessions() as s, s.begin():
        for uid in (31, 32):
            await repo.ensure_user(s, uid, uid, "P", "en", NOW)
    query = select(User.id).where(col(User.id).in_((31, 32))).order_by(col(User.id))
    async with sessions() as first, first.begin():
        taken = (await first.exec(repo.skip_locked(first, query.limit(1)))).all()
        assert taken == [31]
        if not repo.is_postgres(first):
            return  # SQLite: one write transaction at a time, nothing to skip
        async with sessions() as second, second.begin():
            # Were the row waited for rather than skipped, fail instead of hanging.
            await second.exec(text("SET LOCAL lock_timeout = '5s'"))
            assert (await second.exec(repo.skip_locked(second, query))).all() == [32]
