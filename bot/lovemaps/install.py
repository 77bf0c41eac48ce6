"""The love-maps feature: /lovemaps, its buttons, and typed answers."""

from __future__ import annotations

from bot.library.catalog import LIBRARY
from bot.lovemaps.game import KIND, LoveMaps
from bot.plugins import Command, Feature, FeatureContext, reads


@reads(LIBRARY)
def feature(context: FeatureContext) -> Feature:
    game = LoveMaps(context.data(LIBRARY))
    return Feature(
        "lovemaps",
        commands={"lovemaps": Command(game.start)},
        buttons={KIND: game.press},
        typed=game.typed,
    )
