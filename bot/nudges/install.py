"""Plug check-ins into the coach: commands, buttons, typed input, location, settings, sweep."""

from __future__ import annotations

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Screen
from bot.followups.answers import Answers
from bot.followups.exercises import plannable
from bot.nudges import awaiting
from bot.nudges import buttons as b
from bot.nudges.compose import Composer
from bot.nudges.context import Nudging
from bot.nudges.models import NudgeSchedule
from bot.nudges.pause import Pausing
from bot.nudges.responses import Responses
from bot.nudges.settings_menu import TIME, TIMEZONE, CheckinSettings
from bot.nudges.summary import Summaries
from bot.nudges.sweep import Sweep
from bot.turn import Turn


def install(coach: Coach) -> None:
    nudging = Nudging.from_settings(coach.settings, coach.content.languages)
    things = plannable(coach.settings.data_dir, coach.content.languages)
    responses = Responses(coach, nudging, Answers(things, nudging.default_tz))
    settings = CheckinSettings(coach, nudging)
    pausing = Pausing(nudging, settings)
    sweep = Sweep(coach, nudging, Composer(nudging, Summaries(nudging, things), things))

    coach.command("pause")(pausing.pause)
    coach.command("resume")(pausing.resume)
    coach.button(b.NUDGE)(responses.press)
    coach.button(b.SETTINGS)(settings.press)
    coach.button(b.PAUSE)(pausing.press)
    coach.settings_sections.append(settings.section())
    if coach.location is None:
        coach.location = settings.location

    async def typed_input(turn: Turn, text: str) -> bool:
        schedule = await turn.session.get(NudgeSchedule, turn.user.id)
        what = await awaiting.current(turn, schedule)
        if schedule is None or what is None:
            return False
        if what in (TIME, TIMEZONE):
            return await settings.typed(turn, schedule, what, text)
        return await responses.typed(turn, schedule, what, text)

    schedules = NudgeSchedule.__table__.c
    waiting = exists().where(schedules.user_id == PERSON_ID, schedules.awaiting.is_not(None))
    coach.text_screens.append(Screen(typed_input, pending=waiting))
    coach.periodic.append(sweep.periodic())
