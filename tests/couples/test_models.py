"""The couples migration creates exactly what the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.couples.models import Invite, LinkAttempt
from bot.schema import metadata

OURS = {Invite.__tablename__, LinkAttempt.__tablename__}


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, metadata)


def _mentions_ours(diff) -> bool:
    text = repr(diff)
    return any(name in text for name in OURS)


async def test_migrated_schema_matches_the_models(db_engine):
    async with db_engine.connect() as connection:
        diffs = await connection.run_sync(_differences)
    assert [d for d in diffs if _mentions_ours(d)] == []


async def test_invite_codes_are_unique_by_hash(db_engine):
    from sqlalchemy import inspect

    async with db_engine.connect() as connection:
        uniques = await connection.run_sync(lambda c: inspect(c).get_unique_constraints("invites"))
        indexes = await connection.run_sync(lambda c: inspect(c).get_indexes("invites"))
    unique_columns = [u["column_names"] for u in uniques] + [
        i["column_names"] for i in indexes if i.get("unique")
    ]
    assert ["code_hash"] in unique_columns
