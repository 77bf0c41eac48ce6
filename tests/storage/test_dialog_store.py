"""Both dialog stores keep the same promises, and write the very same rows.

`SessionDialogStore` runs on SQLite and on a real PostgreSQL; the fast path's
`DirectDialogStore` runs on SQLite, where its rows are compared byte for byte
with the ORM path's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import exists, literal, select

from bot.engine.state import DialogState
from bot.plugins import PERSON_ID
from bot.storage import repo
from bot.storage.db import session_factory
from bot.storage.dialog_store import DialogStore, SessionDialogStore
from bot.storage.models import DialogProgress, Reflection
from bot.storage.sqlite_direct import DirectDialogStore, DirectSqlite
from tests.conftest import migrated
from tests.support.tables import table_rows

NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
Opener = Callable[[], Any]


def orm_store(engine: Any) -> Opener:
    sessions = session_factory(engine)

    @asynccontextmanager
    async def open_store() -> AsyncIterator[DialogStore]:
        async with sessions() as session, session.begin():
            yield SessionDialogStore(session)

    return open_store


def direct_store(engine: Any) -> Opener:
    direct = DirectSqlite.for_engine(engine)
    assert direct is not None

    @asynccontextmanager
    async def open_store() -> AsyncIterator[DialogStore]:
        async with direct.transaction() as connection:
            yield DirectDialogStore(direct, connection)

    return open_store


@pytest.fixture(
    params=[
        "orm-sqlite",
        pytest.param("orm-postgres", marks=pytest.mark.postgres),
        "direct-sqlite",
    ]
)
def store_kind(request: pytest.FixtureRequest) -> tuple[str, str]:
    kind, database = request.param.split("-")
    return kind, request.getfixturevalue(f"{database}_url")


@pytest.fixture
async def store(store_kind: tuple[str, str]) -> AsyncIterator[Opener]:
    kind, url = store_kind
    async for engine in migrated(url):
        async with session_factory(engine)() as s, s.begin():
            await repo.ensure_user(s, 7, 7, "Sam", "en", NOW)
        yield orm_store(engine) if kind == "orm" else direct_store(engine)


async def test_a_new_person_is_idle_at_version_zero(store: Opener) -> None:
    async with store() as s:
        assert await s.load_state(7) == (DialogState(), 0)


async def test_state_moves_only_from_the_version_it_was_read_at(store: Opener) -> None:
    moved = DialogState("welcome", "why_here", awaiting_share=True)
    async with store() as s:
        assert await s.save_state(7, moved, 0, NOW)
        assert not await s.save_state(7, DialogState("welcome", "mood"), 0, NOW)
    async with store() as s:
        assert await s.load_state(7) == (moved, 1)


async def test_progress_is_upserted_and_done_stays_done(store: Opener) -> None:
    async with store() as s:
        await s.record_progress(7, "safety", node="open", now=NOW)
        await s.record_progress(7, "safety", node="middle", now=NOW)
        assert (await s.progress(7))["safety"].node == "middle"
        await s.record_progress(7, "safety", node=None, now=NOW, done=True)
        await s.record_progress(7, "safety", node="open", now=NOW + timedelta(days=1))
    async with store() as s:
        row = (await s.progress(7))["safety"]
    assert (row.status, row.node, row.updated_at) == (repo.DONE, None, NOW + timedelta(days=1))


async def test_an_answer_is_stored_with_its_id(store: Opener) -> None:
    answer = _reflection("We laugh less than we used to")
    async with store() as s:
        await s.add_reflection(answer)
    assert answer.id is not None


async def test_conditions_about_the_person_are_answered_in_one_go(store: Opener) -> None:
    has_progress = exists().where(DialogProgress.__table__.c.user_id == PERSON_ID)
    conditions = select(has_progress.label("a"), literal(True).label("b"))
    async with store() as s:
        assert await s.check(conditions, 7) == (False, True)
        await s.record_progress(7, "safety", node="open", now=NOW)
        assert await s.check(conditions, 7) == (True, True)


async def test_a_failing_turn_leaves_nothing_behind(store: Opener) -> None:
    with pytest.raises(RuntimeError):
        async with store() as s:
            await s.save_state(7, DialogState("welcome", "mood"), 0, NOW)
            await s.add_reflection(_reflection("half-written"))
            raise RuntimeError("the handler failed")
    async with store() as s:
        assert await s.load_state(7) == (DialogState(), 0)


async def test_both_paths_write_identical_rows(tmp_path) -> None:
    """The same turns through each store leave byte-identical tables."""
    dumps = []
    for name, opener in (("orm", orm_store), ("direct", direct_store)):
        async for engine in migrated(f"sqlite+aiosqlite:///{tmp_path / name}.db"):
            await _same_turns(opener(engine), engine)
            dumps.append(
                await table_rows(engine, ("dialog_sessions", "dialog_progress", "reflections"))
            )
    assert dumps[0] == dumps[1]
    assert all(rows for rows in dumps[0].values())  # every table was written to


async def _same_turns(store: Opener, engine: Any) -> None:
    async with session_factory(engine)() as s, s.begin():
        await repo.ensure_user(s, 7, 7, "Sam", "en", NOW)
    async with store() as s:
        await s.save_state(7, DialogState("safety", "open"), 0, NOW)
        await s.record_progress(7, "safety", node="open", now=NOW)
        await s.add_reflection(_reflection("Ünicode ✓ and a 'quote'"))
    async with store() as s:
        later = NOW + timedelta(minutes=3, microseconds=5)
        await s.save_state(7, DialogState("safety", "end", awaiting_share=True), 1, later)
        await s.record_progress(7, "safety", node=None, now=later, done=True)


def _reflection(answer: str) -> Reflection:
    return Reflection(
        user_id=7,
        couple_id=None,
        dialog="safety",
        node="open",
        key="safe_moment",
        text=answer,
        created_at=NOW,
    )
