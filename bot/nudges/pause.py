"""/pause and /resume for check-ins.

The pause lives in `User.nudges_paused_until`, which other features respect
too and which a safety signal also sets (for a day). So /pause only ever
extends it, and /resume lifts only what /pause set: a safety pause still
running (set before or after) stays in place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.nudges import buttons as b
from bot.nudges.context import Nudging
from bot.nudges.settings_menu import FOREVER, CheckinSettings
from bot.nudges.store import reschedule, schedule_for
from bot.turn import Turn

DURATIONS = {"d": timedelta(days=1), "w": timedelta(weeks=1)}


class Pausing:
    def __init__(self, nudging: Nudging, settings: CheckinSettings) -> None:
        self.nudging = nudging
        self.settings = settings

    async def pause(self, turn: Turn) -> None:
        keyboard = (
            (
                b.button(turn, "pause_day", b.Pause("d")),
                b.button(turn, "pause_week", b.Pause("w")),
            ),
            (b.button(turn, "pause_until_resumed", b.Pause("r")),),
        )
        turn.say(turn.t("pause_prompt"), keyboard)

    async def press(self, turn: Turn, pressed: b.Pause) -> None:
        length = pressed.length
        until = turn.now + DURATIONS[length] if length in DURATIONS else FOREVER
        until = await self.pause_until(turn, until)
        if until >= FOREVER:
            turn.say(turn.t("pause_done_forever"), replace=True)
        else:
            turn.say(turn.t("pause_done", until=self.settings.when(turn, until)), replace=True)

    async def pause_until(self, turn: Turn, until: datetime) -> datetime:
        """Pause at least until `until`; returns when check-ins will come back."""
        user = turn.user
        schedule = await schedule_for(turn.session, user, turn.now, self.nudging.default_tz)
        current = user.nudges_paused_until
        mine = schedule.paused_by_me_until
        if current is not None and current > turn.now and current != mine:
            schedule.paused_before = current  # someone else's pause: remember it for /resume
        if mine is not None and mine > turn.now:
            until = max(until, mine)  # a shorter /pause never shortens a longer one
        user.nudges_paused_until = max(until, current) if current and current > turn.now else until
        schedule.paused_by_me_until = until
        reschedule(schedule, user, turn.now, self.nudging.default_tz)
        turn.session.add_all([user, schedule])
        return user.nudges_paused_until

    async def resume(self, turn: Turn) -> None:
        user = turn.user
        schedule = await schedule_for(turn.session, user, turn.now, self.nudging.default_tz)
        current = user.nudges_paused_until
        if current is None or current <= turn.now:
            turn.say_key(
                "resume_not_paused", when=self.settings.when(turn, schedule.next_due_at or turn.now)
            )
            return
        others = [
            t
            for t in (
                schedule.paused_before,
                None if current == schedule.paused_by_me_until else current,
            )
            if t is not None and t > turn.now
        ]
        user.nudges_paused_until = max(others) if others else None
        schedule.paused_by_me_until = schedule.paused_before = None
        reschedule(schedule, user, turn.now, self.nudging.default_tz)
        turn.session.add_all([user, schedule])
        if user.nudges_paused_until is not None:
            turn.say_key("resume_later", when=self.settings.when(turn, user.nudges_paused_until))
        else:
            turn.say_key(
                "resume_done", when=self.settings.when(turn, schedule.next_due_at or turn.now)
            )
