"""Fixtures for the cooldown: two linked partners (both reading English) on the wired coach."""

from __future__ import annotations

import pytest

from bot.coach import Coach
from bot.engine.content import Content
from tests.support import people
from tests.support.people import Pair, pair

ALEX = people.ALEX
SAM = people.speaking(people.SAM, "en")


async def make_couple(coach: Coach, a=ALEX, b=SAM) -> Pair:
    return await pair(coach, a, b)


@pytest.fixture
async def couple(coach: Coach) -> Pair:
    return await make_couple(coach)


@pytest.fixture
def en(content: Content):
    """Interface strings in English, to find buttons and texts by what people see."""
    return lambda key, **values: content.t(key, "en", **values)


@pytest.fixture
def tr(content: Content):
    return lambda key, **values: content.t(key, "tr", **values)
