"""Every conversation's "We'll try it" names an exercise the library knows, of its own section."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.followups.exercises import plannable
from bot.followups.models import EXERCISE


def test_every_tried_node_plans_a_known_exercise_of_its_conversation(content) -> None:
    things = plannable(PROJECT_ROOT / "data", content.languages)
    planned = {}
    for topic in content.topics:
        nodes = [n for n in content.dialogs[topic].nodes.values() if n.action]
        [node] = [n for n in nodes if n.action == "exercise_planned"]
        entry = things.find(EXERCISE, node.params["exercise"])
        assert entry is not None, f"{topic}/{node.id}"
        assert entry.section == topic
        planned[topic] = entry.id
    assert set(planned.values()) == set(things.exercises), "every exercise is reachable"


def test_exercise_names_fit_in_a_line(content) -> None:
    things = plannable(PROJECT_ROOT / "data", content.languages)
    for entry in things.exercises.values():
        for lang in content.languages:
            assert len(entry.text[lang]) <= 100, f"{entry.id}/{lang}"
