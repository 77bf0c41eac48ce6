"""/idea: a date or ritual idea from the library, and "We'll try it" to plan it.

Each person walks their own shuffled order of the ideas (all of them, or
only those for one setting: at home, outside, low budget, long distance),
so no idea comes back before the others have been offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.followups.exercises import Plannable
from bot.followups.models import IDEA
from bot.followups.planning import Planning
from bot.library import rotation
from bot.library.entries import SETTINGS
from bot.nudges.models import NudgeRotation
from bot.turn import Turn

ANY = "all"


@dataclass(frozen=True)
class Another(Payload, prefix="ix|n"):
    """Another idea, from all of them (`all`) or for one setting."""

    setting: str


@dataclass(frozen=True)
class TryIt(Payload, prefix="ix|t"):
    """ "We'll try it": plan this idea."""

    idea: str


class Ideas:
    def __init__(self, plannable: Plannable, planning: Planning) -> None:
        self.plannable = plannable
        self.planning = planning

    async def command(self, turn: Turn) -> None:
        await self._offer(turn, ANY)

    async def another(self, turn: Turn, pressed: Another) -> None:
        if pressed.setting not in (ANY, *SETTINGS):
            turn.notice("unknown_button")
            return
        await self._offer(turn, pressed.setting)

    async def try_it(self, turn: Turn, pressed: TryIt) -> None:
        entry = self.plannable.library.idea(pressed.idea)
        if entry is None:
            turn.notice("unknown_button")
            return
        turn.say(turn.t("idea_chosen", idea=entry.text[turn.lang]), replace=True)
        await self.planning.plan(turn, IDEA, entry)

    async def _offer(self, turn: Turn, setting: str) -> None:
        ideas = [i for i in self.plannable.library.ideas if setting == ANY or setting in i.settings]
        kind = f"idea:{setting}"
        served = await turn.session.get(NudgeRotation, (turn.user.id, kind))
        if served is None:
            served = NudgeRotation(user_id=turn.user.id, kind=kind)
        idea = rotation.pick(ideas, turn.user.id, kind, served.served)
        served.served += 1
        turn.session.add(served)
        rows = (
            (KeyButton(turn.t("idea_try"), TryIt(idea.id).pack()),),
            (KeyButton(turn.t("idea_another"), Another(setting).pack()),),
            tuple(KeyButton(turn.t(f"idea_setting_{s}"), Another(s).pack()) for s in SETTINGS[:2]),
            tuple(KeyButton(turn.t(f"idea_setting_{s}"), Another(s).pack()) for s in SETTINGS[2:]),
        )
        turn.say(turn.t("idea_offer", idea=idea.text[turn.lang]), rows)
