"""The follow-ups feature: the exercises' "We'll try it", and /idea.

Answering a follow-up happens on the check-in that carried it, so its
buttons are the check-in feature's (bot/nudges/install.py).
"""

from __future__ import annotations

import logging

from bot.engine.outputs import Action
from bot.followups.exercises import EXERCISES
from bot.followups.ideas import Another, Ideas, TryIt
from bot.followups.models import EXERCISE
from bot.followups.planning import Planning
from bot.plugins import Command, Feature, FeatureContext, reads
from bot.turn import Turn

log = logging.getLogger(__name__)


@reads(EXERCISES)
def feature(context: FeatureContext) -> Feature:
    things = context.data(EXERCISES)
    planning = Planning(things)
    ideas = Ideas(things, planning)

    async def exercise_planned(turn: Turn, action: Action) -> None:
        entry = things.find(EXERCISE, str(action.params.get("exercise")))
        if entry is None:
            log.warning("%s/%s names an unknown exercise", action.dialog, action.node)
            return
        await planning.plan(turn, EXERCISE, entry)

    return Feature(
        "followups",
        commands={"idea": Command(ideas.command)},
        buttons={Another: ideas.another, TryIt: ideas.try_it},
        actions={"exercise_planned": exercise_planned},
    )
