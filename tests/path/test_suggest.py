"""Which conversations come first, and why, from what a person told us (table-driven)."""

from __future__ import annotations

import pytest

from bot.library.entries import SECTIONS
from bot.path.suggest import Signals, suggest

TOPICS = SECTIONS
ALL_WELL = {t: 4 for t in TOPICS if t != "closing"}


def check(**low: int) -> dict[str, int]:
    """A check where everything is fine (4) except the sections named."""
    return {**ALL_WELL, **low}


CASES = [
    pytest.param(
        Signals(),
        ["redefining", "pressure", "chemistry"],
        ["path_why_next"] * 3,
        id="nothing-known-usual-order",
    ),
    pytest.param(
        Signals(check=check(safety=1, physical=2)),
        ["safety", "physical", "redefining"],
        ["path_why_check_safety", "path_why_check_physical", "path_why_next"],
        id="lowest-check-answers-first",
    ),
    pytest.param(
        Signals(check=check(safety=2, transitions=2)),
        ["safety", "transitions", "redefining"],
        ["path_why_check_safety", "path_why_check_transitions", "path_why_next"],
        id="equal-need-keeps-the-usual-order",
    ),
    pytest.param(
        Signals(focus="conflict"),
        ["safety", "calming", "communication"],
        ["path_why_focus_conflict"] * 3,
        id="welcome-focus-alone",
    ),
    pytest.param(
        Signals(check=check(autonomy=1), focus="time"),
        ["autonomy", "pressure", "stability"],
        ["path_why_check_autonomy", "path_why_focus_time", "path_why_focus_time"],
        id="a-very-low-answer-outweighs-the-focus",
    ),
    pytest.param(
        Signals(check=check(communication=3, pressure=3), focus="conflict"),
        ["communication", "safety", "calming"],
        ["path_why_focus_conflict"] * 3,
        id="focus-and-check-add-up",
    ),
    pytest.param(
        Signals(mood="distant"),
        ["redefining", "fragile", "pressure"],
        ["path_why_mood_distant", "path_why_mood_distant", "path_why_next"],
        id="welcome-mood",
    ),
    pytest.param(
        Signals(check=check(safety=1), done=frozenset({"safety", "redefining"})),
        ["pressure", "chemistry", "calming"],
        ["path_why_next"] * 3,
        id="finished-conversations-step-aside",
    ),
    pytest.param(
        Signals(started=frozenset({"autonomy"})),
        ["autonomy", "redefining", "pressure"],
        ["path_why_started", "path_why_next", "path_why_next"],
        id="a-started-conversation-comes-back",
    ),
    pytest.param(
        Signals(check=check(calming=3, physical=3), exercises={"physical": 1, "calming": 5}),
        ["physical", "redefining", "pressure"],
        ["path_why_exercise_hard", "path_why_next", "path_why_next"],
        id="an-exercise-that-felt-hard-is-worth-another-look",
    ),
    pytest.param(
        Signals(check=check(physical=3), exercises={"physical": 0}),
        ["physical", "redefining", "pressure"],
        ["path_why_exercise_hard", "path_why_next", "path_why_next"],
        id="an-exercise-that-did-not-happen-too",
    ),
    pytest.param(
        Signals(check=check(physical=3), exercises={"physical": 5}),
        ["redefining", "pressure", "chemistry"],
        ["path_why_next"] * 3,
        id="an-exercise-that-went-well-lets-it-rest",
    ),
    pytest.param(
        Signals(done=frozenset({"physical", "safety"}), exercises={"physical": 2, "safety": 4}),
        ["physical", "redefining", "pressure"],
        ["path_why_exercise_hard", "path_why_next", "path_why_next"],
        id="a-finished-conversation-whose-exercise-felt-hard-comes-back",
    ),
    pytest.param(
        Signals(done=frozenset(TOPICS) - {"closing", "relearning"}),
        ["relearning"],
        ["path_why_next"],
        id="closing-waits-until-the-rest-is-done",
    ),
    pytest.param(
        Signals(done=frozenset(TOPICS) - {"closing"}),
        ["closing"],
        ["path_why_next"],
        id="then-closing",
    ),
]


@pytest.mark.parametrize(("signals", "topics", "reasons"), CASES)
def test_suggestions(signals: Signals, topics: list[str], reasons: list[str]) -> None:
    found = suggest(TOPICS, signals)
    assert [s.topic for s in found] == topics
    assert [s.reason for s in found] == reasons


def test_every_reason_has_words_in_every_language(content) -> None:
    keys = {f"path_why_check_{t}" for t in ALL_WELL} | {"path_why_next", "path_why_started"}
    keys |= {f"path_why_focus_{f}" for f in ("closer", "conflict", "time", "change", "touch")}
    keys |= {f"path_why_mood_{m}" for m in ("close", "distant", "unsure")}
    keys |= {"path_why_exercise_hard"}
    for key in keys:
        assert set(content.ui[key]) == {"en", "tr"}, key
