"""The cooldown tables on SQLite and PostgreSQL, as the migration builds them."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from bot.cooldown.models import Cooldown
from bot.schema import metadata
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


async def test_mydata_shows_a_break_to_its_starter_only(coach, couple, en):
    """The partner's /mydata never carries the starter's private words."""
    from bot.couples.export import collect
    from tests.cooldown.support import take_break

    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    await alex.press(en("cooldown_end_early"))
    await alex.press(en("cooldown_ready"))
    await alex.send("the unpaid bills")
    async with coach.sessions() as session:
        mine = await collect(session, alex.person.user_id)
        theirs = await collect(session, sam.person.user_id)
    assert mine["cooldowns"][0]["topic"] == "the unpaid bills"
    assert "cooldowns" not in theirs
    assert "unpaid bills" not in str(theirs)
