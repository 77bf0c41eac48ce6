"""One rule for typed answers: the question asked last takes the next text, until it lapses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import waiting
from bot.coach import Coach
from bot.features import FEATURES
from bot.plugins import Command, Feature, FeatureContext
from bot.storage.db import session_factory
from bot.storage.models import WaitingInput
from bot.turn import Turn
from tests.support.people import ALEX


def asking(name: str) -> Feature:
    """A feature with /ask_<name>, which waits ten minutes for a typed answer."""

    async def ask(turn: Turn) -> None:
        await waiting.ask(turn, name, "what", expires_in=timedelta(minutes=10))

    async def typed(turn: Turn, text: str, question: WaitingInput) -> bool:
        await waiting.done(turn)
        turn.say(f"{name} heard {text} ({question.key})")
        return True

    return Feature(name, commands={f"ask_{name}": Command(ask, in_menu=False)}, typed=typed)


@pytest.fixture
def coach(content, engine, clock) -> Coach:
    def first(context: FeatureContext) -> Feature:
        return asking("first")

    def second(context: FeatureContext) -> Feature:
        return asking("second")

    return Coach(content, session_factory(engine), clock, features=(*FEATURES, first, second))


async def said(coach: Coach, text: str) -> list[str]:
    return [o.text for o in await coach.text(ALEX, text)]


async def test_the_answer_goes_to_the_feature_that_asked_and_only_once(coach: Coach) -> None:
    await coach.run_command(ALEX, "ask_first")
    assert await said(coach, "blue") == ["first heard blue (what)"]
    assert "first heard" not in " ".join(await said(coach, "blue again"))


async def test_the_question_asked_last_is_the_one_answered(coach: Coach) -> None:
    await coach.run_command(ALEX, "ask_first")
    await coach.run_command(ALEX, "ask_second")
    assert await said(coach, "green") == ["second heard green (what)"]


async def test_a_question_lapses_when_its_time_is_up(coach: Coach, clock) -> None:
    await coach.run_command(ALEX, "ask_first")
    clock.advance(minutes=11)
    assert "first heard" not in " ".join(await said(coach, "late"))
    async with coach.sessions() as session:
        assert await session.get(WaitingInput, ALEX.user_id) is None


async def test_a_question_lapses_when_the_person_moves_on_in_a_conversation(
    coach: Coach, clock
) -> None:
    await coach.run_command(ALEX, "ask_first")
    clock.advance(seconds=5)
    await coach.run_command(ALEX, "start")  # the welcome conversation begins
    clock.advance(seconds=5)
    assert "first heard" not in " ".join(await said(coach, "we keep missing each other"))


async def test_the_safety_screen_reads_an_answer_first(coach: Coach) -> None:
    await coach.run_command(ALEX, "ask_first")
    assert "first heard" not in " ".join(await said(coach, "I want to kill myself"))
