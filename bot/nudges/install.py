"""The check-ins feature: commands, buttons, typed input, location, settings, the sweep."""

from __future__ import annotations

from sqlalchemy import exists

from bot.followups.answers import Answers
from bot.followups.exercises import EXERCISES
from bot.nudges import awaiting
from bot.nudges import buttons as b
from bot.nudges.cities import CITIES
from bot.nudges.compose import Composer
from bot.nudges.context import Nudging
from bot.nudges.models import NudgeSchedule
from bot.nudges.pause import Pausing
from bot.nudges.pools import POOLS
from bot.nudges.responses import Responses
from bot.nudges.settings_menu import TIME, TIMEZONE, CheckinSettings
from bot.nudges.summary import Summaries
from bot.nudges.sweep import Sweep
from bot.plugins import PERSON_ID, Command, Feature, FeatureContext, Screen, reads
from bot.turn import Turn


@reads(POOLS, CITIES, EXERCISES)
def feature(context: FeatureContext) -> Feature:
    nudging = Nudging.from_settings(context.settings, context.data(POOLS), context.data(CITIES))
    things = context.data(EXERCISES)
    responses = Responses(nudging, Answers(things, nudging.default_tz))
    settings = CheckinSettings(nudging)
    pausing = Pausing(nudging, settings)
    composer = Composer(nudging, Summaries(nudging, things), things)
    sweep = Sweep(context.jobs, context.settings, nudging, composer)

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
    return Feature(
        "checkins",
        commands={"pause": Command(pausing.pause), "resume": Command(pausing.resume)},
        buttons={b.NUDGE: responses.press, b.SETTINGS: settings.press, b.PAUSE: pausing.press},
        screens=(Screen(typed_input, pending=waiting),),
        location=settings.location,
        periodic=(sweep.periodic(),),
        settings_sections=(settings.section(),),
    )
