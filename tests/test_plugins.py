"""A new feature is one module and one line in bot/features.py: here is one, in a few lines.

The example feature answers /hello with a button, answers the button, and
takes typed text while it is waiting for it. It is assembled with the real
features, so it also shows where it stands among them: after the safety
screen, and never able to claim a name another feature owns.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import true

from bot.coach import Coach
from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.features import FEATURES
from bot.plugins import Command, Feature, FeatureContext, Screen
from bot.storage.db import session_factory
from bot.turn import Turn
from tests.support.people import ALEX


@dataclass(frozen=True)
class Again(Payload, prefix="hi"):
    """The example's one button: its data is `hi|again`."""

    word: str


def hello_feature(context: FeatureContext) -> Feature:
    """What a feature module holds: its handlers and one declaration of how they plug in."""

    async def hello(turn: Turn) -> None:
        turn.say("hello", ((KeyButton("again", Again("again").pack()),),))

    async def again(turn: Turn, pressed: Again) -> None:
        turn.say(f"hello {pressed.word}")

    async def typed(turn: Turn, text: str) -> bool:
        if not text.startswith("hello"):
            return False  # not ours: the next screen, then the dialogs, get it
        turn.say("heard: " + text)
        return True

    return Feature(
        "hello",
        commands={"hello": Command(hello, in_menu=False)},  # listed ones need a cmd_hello text
        buttons={Again: again},
        screens=(Screen(typed, pending=true()),),
    )


@pytest.fixture
def coach(content, engine, clock) -> Coach:
    return Coach(content, session_factory(engine), clock, features=(*FEATURES, hello_feature))


async def test_its_command_button_and_typed_input_all_work(coach: Coach) -> None:
    [said] = await coach.run_command(ALEX, "hello")
    assert said.text == "hello" and said.keyboard[0][0].data == "hi|again"
    assert [o.text for o in await coach.press(ALEX, "hi|again")] == ["hello again"]
    assert [o.text for o in await coach.text(ALEX, "hello there")] == ["heard: hello there"]


def test_it_comes_after_the_features_listed_before_it(coach: Coach) -> None:
    assert list(coach.commands)[-1] == "hello"
    assert coach.text_screens[-1].run.__qualname__.startswith("hello_feature")


async def test_the_safety_screen_reads_text_before_it(coach: Coach) -> None:
    said = " ".join(o.text for o in await coach.text(ALEX, "hello, I want to kill myself"))
    assert "heard:" not in said
    assert coach.content.t("safety_self_harm", "en").split(".")[0] in said


async def test_text_it_does_not_claim_goes_on_to_the_dialogs(coach: Coach) -> None:
    outs = await coach.text(ALEX, "hi")
    assert outs and all(not o.text.startswith("heard:") for o in outs)


def test_it_cannot_take_a_name_another_feature_owns(content, engine) -> None:
    def greedy(context: FeatureContext) -> Feature:
        return Feature("greedy", commands={"start": Command(hello_feature)})  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="feature 'greedy': command 'start' is registered twice"):
        Coach(content, session_factory(engine), features=(*FEATURES, greedy))


def test_a_data_file_is_read_only_when_declared_and_then_once(content, engine) -> None:
    from bot.plugins import DataFile, reads

    loads: list[str] = []
    notes = DataFile("notes.yaml", lambda data, langs: loads.append(str(data)) or "notes")

    def sneaky(context: FeatureContext) -> Feature:
        context.data(notes)
        return Feature("sneaky")

    with pytest.raises(LookupError, match=r"notes\.yaml is read but not declared"):
        Coach(content, session_factory(engine), features=(sneaky,))

    @reads(notes)
    def honest(context: FeatureContext) -> Feature:
        assert context.data(notes) == "notes"
        return Feature("honest")

    Coach(content, session_factory(engine), features=(honest,))
    Coach(content, session_factory(engine), features=(honest,))
    assert len(loads) == 1, "a second coach in the same process reuses what was loaded"
