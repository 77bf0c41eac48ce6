"""The generic export/erase: every table that names a person is found from the schema,
including tables other features add later. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, MetaData, Table, Text, insert
from sqlalchemy import select as sa_select

from bot.couples import export
from bot.schema import metadata
from bot.storage.db import session_factory
from bot.storage.repo import ensure_user

ME, OTHER = 1, 2


def test_every_core_and_couples_table_about_a_person_is_covered():
    names = {table.name for table, _ in export.personal_tables()}
    assert {
        "dialog_sessions",
        "dialog_progress",
        "reflections",
        "invites",
        "link_attempts",
        "waiting_inputs",
    } <= names
    assert "users" not in names and "couples" not in names


def schema_with_other_features() -> tuple[MetaData, Table, Table]:
    """Today's schema plus two tables a future feature might add."""
    schema = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(schema)
    notes = Table(  # a `user_id` without ON DELETE CASCADE
        "future_notes",
        schema,
        Column("id", Integer, primary_key=True),
        Column("user_id", BigInteger, ForeignKey("users.id"), nullable=False),
        Column("text", Text, nullable=False),
    )
    mentions = Table(  # a person named in another column, nullable, no ON DELETE rule
        "future_mentions",
        schema,
        Column("id", Integer, primary_key=True),
        Column("owner_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE")),
        Column("about_id", BigInteger, ForeignKey("users.id"), nullable=True),
    )
    return schema, notes, mentions


@pytest.fixture
async def future(db_engine, clock):
    schema, notes, mentions = schema_with_other_features()
    async with db_engine.begin() as connection:
        await connection.run_sync(schema.create_all, tables=[notes, mentions])
    sessions = session_factory(db_engine)
    async with sessions() as session, session.begin():
        for uid in (ME, OTHER):
            await ensure_user(session, uid, uid, f"P{uid}", "en", clock())
        await session.exec(
            insert(notes).values(
                [
                    {"id": 1, "user_id": ME, "text": "mine"},
                    {"id": 2, "user_id": OTHER, "text": "theirs"},
                ]
            )
        )
        await session.exec(
            insert(mentions).values(
                [
                    {"id": 1, "owner_id": OTHER, "about_id": ME},
                    {"id": 2, "owner_id": ME, "about_id": None},
                ]
            )
        )
    return sessions, schema, notes, mentions


async def test_tables_added_by_other_features_are_exported(future, clock):
    sessions, schema, _, _ = future
    async with sessions() as session:
        data = await export.collect(session, ME, schema)
    assert data["future_notes"] == [{"id": 1, "user_id": ME, "text": "mine"}]
    assert {r["id"] for r in data["future_mentions"]} == {1, 2}
    assert data["users"][0]["created_at"] == clock().isoformat()
    document = json.loads(export.to_json(data, clock()))
    assert document["exported_at"] == clock().isoformat()
    assert "theirs" not in json.dumps(document)


async def test_erase_removes_the_person_from_every_table_and_keeps_others(future):
    sessions, schema, notes, mentions = future
    async with sessions() as session, session.begin():
        await export.erase(session, ME, schema)
    async with sessions() as session:
        assert (await session.exec(sa_select(notes.c.text))).scalars().all() == ["theirs"]
        left = (await session.exec(sa_select(mentions.c.id, mentions.c.about_id))).all()
        assert [tuple(r) for r in left] == [(1, None)], "their row stays, without naming me"
        data = await export.collect(session, ME, schema)
        assert data == {"users": []}
        assert (await export.collect(session, OTHER, schema))["users"][0]["id"] == OTHER
