"""Text from outside is cleaned once, on the way in, so every word can be stored.

Telegram's JSON can carry a NUL character or half of a surrogate pair (an
unpaired `\\ud800`); neither can be written to PostgreSQL, and SQLite's driver
refuses the second. Before cleaning, such an answer failed to store while the
person was told nothing was lost. Now it is stored with a visible stand-in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.coach import Coach
from bot.engine.content import Content
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.models import Reflection, User
from bot.text_input import clean
from bot.turn import Person
from tests.support.clock import Clock
from tests.test_conversations import walk_to_question

ODD = "I feel\x00 far \ud800away \U0001f614"
CLEANED = "I feel far \ufffdaway \U0001f614"


@pytest.fixture
async def any_coach(database_url: str, content: Content, clock: Clock) -> AsyncIterator[Coach]:
    """The wired coach on SQLite and on PostgreSQL."""
    engine = create_engine(database_url)
    await migrate(engine)
    yield Coach(content, session_factory(engine), clock, features=FEATURES)
    await engine.dispose()


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("plain words, ümlauts, 😔", "plain words, ümlauts, 😔"),
        ("a\x00b", "ab"),
        ("lone \ud83d high", "lone \ufffd high"),
        ("lone \ude14 low", "lone \ufffd low"),
        ("\ud83d\ude14 a pair split in two", "\ufffd\ufffd a pair split in two"),
    ],
)
def test_clean_keeps_every_real_character(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned
    cleaned.encode("utf-8")  # always encodable


async def test_an_answer_with_a_nul_and_a_lone_surrogate_is_stored(any_coach: Coach) -> None:
    alex = Person(2001, 2001, "Alex", "en")
    await walk_to_question(any_coach, alex)
    outs = await any_coach.text(alex, ODD)
    assert outs[0].text != any_coach.content.t("error", "en")
    async with any_coach.sessions() as session:
        stored = (await session.exec(select(Reflection))).one()
    assert stored.text == CLEANED


async def test_a_first_name_with_odd_characters_still_gets_a_welcome(any_coach: Coach) -> None:
    odd = Person(2002, 2002, "Al\x00ex\udc80", "en")
    outs = await any_coach.run_command(odd, "start")
    assert outs
    async with any_coach.sessions() as session:
        user = await session.get(User, odd.user_id)
    assert user is not None and user.first_name == "Alex\ufffd"
