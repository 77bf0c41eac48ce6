"""The check-ins feature: commands, buttons, typed input, location, settings, the sweep."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.followups.answers import Answers
from bot.followups.exercises import EXERCISES
from bot.nudges import buttons as b
from bot.nudges.awaiting import FEATURE
from bot.nudges.cities import CITIES
from bot.nudges.compose import Composer
from bot.nudges.context import Nudging
from bot.nudges.pause import Pausing
from bot.nudges.pools import POOLS
from bot.nudges.responses import Responses
from bot.nudges.settings_menu import TIME, TIMEZONE, CheckinSettings
from bot.nudges.store import quiet_until, schedule_for
from bot.nudges.summary import Summaries
from bot.nudges.sweep import Sweep
from bot.plugins import Command, Feature, FeatureContext, reads
from bot.storage.models import User, WaitingInput
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

    async def typed_input(turn: Turn, text: str, question: WaitingInput) -> bool:
        schedule = await schedule_for(turn.session, turn.user, turn.now, nudging.default_tz)
        what = question.key
        if what in (TIME, TIMEZONE):
            return await settings.typed(turn, schedule, what, text)
        return await responses.typed(turn, schedule, what, text)

    async def quiet_hours(session: AsyncSession, user: User, now: datetime) -> datetime | None:
        return await quiet_until(session, user, now, nudging.default_tz)

    return Feature(
        FEATURE,
        commands={"pause": Command(pausing.pause), "resume": Command(pausing.resume)},
        buttons={**responses.buttons(), **settings.buttons(), b.Pause: pausing.press},
        typed=typed_input,
        location=settings.location,
        periodic=(sweep.periodic(),),
        settings_sections=(settings.section(),),
        quiet_hours=quiet_hours,
    )
