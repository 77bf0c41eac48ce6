"""The cooldown tables on SQLite and PostgreSQL, as the migration builds them."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from bot.cooldown.models import Cooldown
from bot.storage.all_models import metadata
from bot.storage.db import session_factory
from bot.storage.models import User


async def test_one_open_cooldown_per_person_but_any_number_of_closed_ones(db_engine, clock):
    sessions = session_factory(db_engine)
    async with sessions() as session, session.begin():
        session.add(User(id=1, chat_id=1, first_name="A"))
        await session.flush()
        session.add(Cooldown(user_id=1, closed_at=clock.now, outcome="kept"))
        session.add(Cooldown(user_id=1, closed_at=clock.now, outcome="sent"))
        session.add(Cooldown(user_id=1))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(Cooldown(user_id=1))


async def test_the_migration_matches_the_models(db_engine):
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [
            change for change in compare_metadata(context, metadata) if "cooldown" in str(change)
        ]

    async with db_engine.connect() as connection:
        assert await connection.run_sync(diff) == []
