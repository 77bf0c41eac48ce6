"""Typed input the check-in feature asked for (an answer, a time, a timezone).

Free text goes to a dialog by default; we only take it when the person just
asked to type something for us. The expectation ends after a while, and as
soon as the person moves on in a conversation (their dialog changed after we
asked), so an answer meant for a dialog is never swallowed here.
"""

from __future__ import annotations

from datetime import timedelta

from bot.nudges.context import AWAIT_FOR
from bot.nudges.models import NudgeSchedule
from bot.storage.models import DialogSession
from bot.turn import Turn

SETTING_WINDOW = timedelta(minutes=10)
"""A typed time or timezone is expected only briefly; an answer to a check-in for longer."""
SETTINGS = ("time", "timezone")


def expect(turn: Turn, schedule: NudgeSchedule, what: str) -> None:
    schedule.awaiting, schedule.awaiting_at = what, turn.now
    turn.session.add(schedule)


def clear(turn: Turn, schedule: NudgeSchedule) -> None:
    if schedule.awaiting is not None:
        schedule.awaiting, schedule.awaiting_at = None, None
        turn.session.add(schedule)


async def current(turn: Turn, schedule: NudgeSchedule | None) -> str | None:
    """What we are waiting for, or None (clearing an expectation that went stale)."""
    if schedule is None or schedule.awaiting is None or schedule.awaiting_at is None:
        return None
    since = schedule.awaiting_at
    dialog = await turn.session.get(DialogSession, turn.user.id)
    moved_on = dialog is not None and dialog.dialog is not None and dialog.updated_at > since
    window = SETTING_WINDOW if schedule.awaiting in SETTINGS else AWAIT_FOR
    if turn.now - since > window or moved_on:
        clear(turn, schedule)
        return None
    return schedule.awaiting
