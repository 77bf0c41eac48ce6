"""The Talk Table migration creates exactly what the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.schema import metadata
from bot.table.models import TalkNote, TalkTable

OURS = {TalkTable.__tablename__, TalkNote.__tablename__}


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, metadata)


async def test_migrated_schema_matches_the_models(db_engine) -> None:
    async with db_engine.connect() as connection:
        diffs = await connection.run_sync(_differences)
    assert [d for d in diffs if any(name in repr(d) for name in OURS)] == []
