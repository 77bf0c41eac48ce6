"""A wired coach on PostgreSQL for the path's race tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.coach import Coach
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory


@pytest.fixture
async def pg_path_coach(postgres_url: str, content, clock) -> AsyncIterator[Coach]:
    engine = create_engine(postgres_url)
    yield Coach(content, session_factory(engine), clock, features=FEATURES)
    await engine.dispose()
