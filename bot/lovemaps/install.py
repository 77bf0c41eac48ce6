"""Plug love maps into the coach: /lovemaps, its buttons, and typed answers."""

from __future__ import annotations

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Screen
from bot.library.catalog import library_for
from bot.lovemaps.game import KIND, LoveMaps
from bot.lovemaps.models import LoveMapAnswer


def install(coach: Coach) -> None:
    game = LoveMaps(library_for(coach.settings.data_dir, coach.content.languages))
    coach.command("lovemaps")(game.start)
    coach.button(KIND)(game.press)
    answers = LoveMapAnswer.__table__.c  # type: ignore[attr-defined]
    waiting = exists().where(answers.user_id == PERSON_ID, answers.waiting.is_not(None))
    coach.text_screens.append(Screen(game.typed, pending=waiting))
