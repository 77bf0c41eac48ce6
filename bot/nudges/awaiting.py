"""Typed input the check-in feature asked for (an answer, a time, a timezone).

Free text goes to a dialog by default; we only take it when the person just
asked to type something for us. The question is a `bot.waiting` question, so
it lapses after a while, or as soon as the person moves on in a conversation,
and an answer meant for a dialog is never swallowed here.
"""

from __future__ import annotations

from datetime import timedelta

from bot import waiting
from bot.nudges.context import AWAIT_FOR
from bot.turn import Turn

FEATURE = "checkins"
SETTING_WINDOW = timedelta(minutes=10)
"""A typed time or timezone is expected only briefly; an answer to a check-in for longer."""
SETTINGS = ("time", "timezone")


async def expect(turn: Turn, what: str) -> None:
    window = SETTING_WINDOW if what in SETTINGS else AWAIT_FOR
    await waiting.ask(turn, FEATURE, what, expires_in=window)


async def clear(turn: Turn) -> None:
    await waiting.done(turn, FEATURE)
