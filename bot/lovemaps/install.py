"""The love-maps feature: /lovemaps, its buttons, and typed answers."""

from __future__ import annotations

from sqlalchemy import exists

from bot.library.catalog import LIBRARY
from bot.lovemaps.game import KIND, LoveMaps
from bot.lovemaps.models import LoveMapAnswer
from bot.plugins import PERSON_ID, Command, Feature, FeatureContext, Screen, reads


@reads(LIBRARY)
def feature(context: FeatureContext) -> Feature:
    game = LoveMaps(context.data(LIBRARY))
    answers = LoveMapAnswer.__table__.c  # type: ignore[attr-defined]
    waiting = exists().where(answers.user_id == PERSON_ID, answers.waiting.is_not(None))
    return Feature(
        "lovemaps",
        commands={"lovemaps": Command(game.start)},
        buttons={KIND: game.press},
        screens=(Screen(game.typed, pending=waiting),),
    )
