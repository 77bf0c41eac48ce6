"""Plug the Talk Table into the coach: /talk in private, private notes, the pause sweep.

The group itself reaches the table through the Telegram adapter
(`bot.telegram.group`), since only Telegram has groups.
"""

from __future__ import annotations

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Periodic, Screen
from bot.table import notes, opening
from bot.table.models import TalkNote
from bot.table.pauses import SWEEP_SECONDS, PauseSweep


def install(coach: Coach) -> None:
    coach.command("talk")(opening.private_talk)
    waiting = TalkNote.__table__.c  # type: ignore[attr-defined]
    asked = exists().where(waiting.user_id == PERSON_ID, waiting.text.is_(None))
    coach.text_screens.append(Screen(notes.typed, pending=asked))
    coach.periodic.append(Periodic("table-pauses", SWEEP_SECONDS, PauseSweep(coach)))
