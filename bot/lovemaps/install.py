"""The love-maps feature: /lovemaps, its buttons, and typed answers."""

from __future__ import annotations

from bot.library.catalog import LIBRARY
from bot.lovemaps.game import Again, AnswerGuess, AnswerOwn, Depth, LoveMaps, Play
from bot.plugins import Command, Feature, FeatureContext, reads


@reads(LIBRARY)
def feature(context: FeatureContext) -> Feature:
    game = LoveMaps(context.data(LIBRARY))
    return Feature(
        "lovemaps",
        commands={"lovemaps": Command(game.start)},
        buttons={
            Depth: game.depth,
            Play: game.play,
            AnswerOwn: game.choose,
            AnswerGuess: game.choose,
            Again: game.again,
        },
        typed=game.typed,
    )
