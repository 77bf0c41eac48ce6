from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.coach import Coach
from bot.engine.content import Content
from bot.features import FEATURES
from bot.storage.db import session_factory
from tests.support.clock import Clock
from tests.table.support import Seat, seat


@pytest.fixture
async def table(db_engine, content: Content, clock: Clock) -> AsyncIterator[Seat]:
    """Alex (en) and Sam (tr), linked, in a group with the bot; on SQLite and PostgreSQL."""
    coach = Coach(content, session_factory(db_engine), clock, features=FEATURES)
    yield await seat(coach)
