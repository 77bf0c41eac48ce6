"""Fixtures for the cooldown: two linked partners on the wired coach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.coach import Coach
from bot.engine.content import Content
from bot.turn import Person
from tests.cooldown.support import Chat, Router, link

ALEX = Person(1001, 1001, "Alex", "en")
SAM = Person(1002, 1002, "Sam", "en")


@dataclass
class Couple:
    alex: Chat
    sam: Chat
    router: Router
    couple_id: int


async def make_couple(coach: Coach, a: Person = ALEX, b: Person = SAM) -> Couple:
    router = Router()
    alex, sam = Chat(coach, a, router), Chat(coach, b, router)
    await alex.command("start")
    await sam.command("start")
    couple_id = await link(coach.sessions, a.user_id, b.user_id)
    alex.clear()
    sam.clear()
    return Couple(alex, sam, router, couple_id)


@pytest.fixture
async def couple(coach: Coach) -> Couple:
    return await make_couple(coach)


@pytest.fixture
def en(content: Content):
    """Interface strings in English, to find buttons and texts by what people see."""
    return lambda key, **values: content.t(key, "en", **values)


@pytest.fixture
def tr(content: Content):
    return lambda key, **values: content.t(key, "tr", **values)
