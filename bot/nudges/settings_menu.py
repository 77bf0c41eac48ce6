"""The "Check-ins" section of /settings: days, time, timezone, quiet hours, weekly picture.

Everything is a button except two things a person may prefer to type: a time
("20:15") and a timezone (an IANA name like Europe/Istanbul, or a city).
A shared Telegram location also sets the timezone (nearest known city).
Every change recomputes the next due time at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from bot import settings_menu
from bot.dates import day_and_date
from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.nudges import awaiting
from bot.nudges import buttons as b
from bot.nudges.cities import City, nearest
from bot.nudges.context import Nudging
from bot.nudges.models import NudgeSchedule
from bot.nudges.schedule import (
    clock_text,
    format_days,
    is_timezone,
    next_fire,
    parse_clock,
    same_local_day,
    zone,
)
from bot.nudges.store import (
    days_of,
    first_after,
    quiet_of,
    reschedule,
    rhythm_days,
    schedule_for,
    timezone_of,
)
from bot.plugins import ButtonHandler, SettingsSection
from bot.turn import Turn

SECTION = "checkins"
TIME = "time"
TIMEZONE = "timezone"
TIMES = (8 * 60, 12 * 60 + 30, 18 * 60, 19 * 60 + 30, 21 * 60)
QUIET_PRESETS = ((22 * 60, 8 * 60), (23 * 60, 7 * 60), (21 * 60, 9 * 60))
FOREVER = datetime(3000, 1, 1, tzinfo=UTC)


class CheckinSettings:
    def __init__(self, nudging: Nudging) -> None:
        self.nudging = nudging

    def section(self) -> SettingsSection:
        return SettingsSection(SECTION, "settings_checkins", self.overview, order=10)

    async def _schedule(self, turn: Turn) -> NudgeSchedule:
        return await schedule_for(turn.session, turn.user, turn.now, self.nudging.default_tz)

    # -- showing ------------------------------------------------------------------

    async def overview(self, turn: Turn, *, note: str = "", replace: bool = False) -> None:
        schedule = await self._schedule(turn)
        tz = timezone_of(turn.user, self.nudging.default_tz)
        days = ", ".join(turn.t(f"day_{d}") for d in days_of(schedule))
        quiet = quiet_of(schedule)
        lines = [
            turn.t("settings_checkins_title"),
            turn.t("settings_line_days", days=days),
            turn.t("settings_line_time", time=clock_text(schedule.minute), timezone=tz),
            turn.t(
                "settings_line_quiet",
                quiet=turn.t(
                    "settings_quiet_range", start=clock_text(quiet.start), end=clock_text(quiet.end)
                )
                if quiet
                else turn.t("settings_quiet_none"),
            ),
            turn.t("settings_line_summary_on" if schedule.summary else "settings_line_summary_off"),
        ]
        if schedule.stride > 1:
            lines.append(turn.t("settings_line_less_often"))
        paused = turn.user.nudges_paused_until
        if paused is not None and paused > turn.now:
            lines.append(turn.t("settings_line_paused", until=self.when(turn, paused)))
        elif schedule.next_due_at is not None:
            lines.append(self.next_line(turn, schedule))
        text = "\n".join(lines)
        if note:
            text = f"{note}\n\n{text}"
        summary_key = (
            "settings_summary_turn_off" if schedule.summary else "settings_summary_turn_on"
        )
        keyboard: Keyboard = (
            (
                b.button(turn, "settings_days", b.DaysMenu()),
                b.button(turn, "settings_time", b.TimeMenu()),
            ),
            (
                b.button(turn, "settings_timezone", b.TimezoneMenu()),
                b.button(turn, "settings_quiet", b.QuietMenu()),
            ),
            (b.button(turn, summary_key, b.Summary(not schedule.summary)),),
            (KeyButton(turn.t("settings_back"), settings_menu.BACK),),
        )
        turn.say(text, keyboard, replace=replace)

    def next_line(self, turn: Turn, schedule: NudgeSchedule) -> str:
        """ "Next check-in: …", with the reason when it is later than the days suggest."""
        assert schedule.next_due_at is not None
        when = self.when(turn, schedule.next_due_at)
        why = self.why_later(turn, schedule, schedule.next_due_at)
        if why is None:
            return turn.t("settings_line_next", when=when)
        return turn.t("settings_line_next_why", when=when, why=why)

    def why_later(self, turn: Turn, schedule: NudgeSchedule, due: datetime) -> str | None:
        """Why the next check-in is not today although today is a chosen day, or not on
        the next chosen day: today's time has passed, a newcomer's first wait, "fewer",
        or quiet hours. None when it is simply the next chosen day."""
        tz = timezone_of(turn.user, self.nudging.default_tz)
        days, minute = rhythm_days(schedule.days), schedule.minute
        plain = next_fire(days, minute, tz, turn.now)  # the chosen days and time alone
        if due > plain and not same_local_day(due, plain, tz):
            quiet = quiet_of(schedule)
            if first_after(turn.user.created_at, turn.now) > plain:
                return turn.t("settings_next_why_new")
            if schedule.stride > 1:
                return turn.t("settings_next_why_fewer")
            if quiet is not None and quiet.contains(minute):
                return turn.t("settings_next_why_quiet", time=clock_text(minute))
            return None
        today_chosen = turn.now.astimezone(zone(tz)).weekday() in days
        if today_chosen and due >= plain and not same_local_day(due, turn.now, tz):
            return turn.t("settings_next_why_passed", time=clock_text(minute))
        return None

    def when(self, turn: Turn, at: datetime) -> str:
        if at >= FOREVER:
            return turn.t("settings_until_resumed")
        local = at.astimezone(zone(timezone_of(turn.user, self.nudging.default_tz)))
        return turn.t(
            "settings_when",
            date=day_and_date(local, turn.lang),
            time=clock_text(local.hour * 60 + local.minute),
        )

    # -- buttons ----------------------------------------------------------------

    def buttons(self) -> dict[type[Payload], ButtonHandler]:
        """The section's buttons; one refused (a forged value) gets the "unknown button" note."""
        handlers: dict[type[Payload], Callable[[Turn, Any], Awaitable[bool]]] = {
            b.Overview: self._show,
            b.DaysMenu: self._days_menu,
            b.ToggleDay: self._toggle_day,
            b.TimeMenu: self._time_menu,
            b.SetTime: self._set_time,
            b.TimezoneMenu: self._timezone_menu,
            b.SetCity: self._set_city,
            b.QuietMenu: self._quiet_menu,
            b.SetQuiet: self._set_quiet,
            b.QuietOff: self._set_quiet,
            b.Summary: self._set_summary,
        }
        return {payload: _refusing(handler) for payload, handler in handlers.items()}

    async def _show(self, turn: Turn, pressed: b.Overview) -> bool:
        await self.overview(turn, replace=True)
        return True

    async def _days_menu(self, turn: Turn, pressed: Payload | None = None) -> bool:
        schedule = await self._schedule(turn)
        chosen = set(days_of(schedule))
        row = tuple(
            b.button(
                turn,
                "settings_day_on" if d in chosen else "settings_day_off",
                b.ToggleDay(d),
                day=turn.t(f"day_{d}"),
            )
            for d in range(7)
        )
        keyboard = (row[:4], row[4:], (b.button(turn, "settings_done", b.Overview()),))
        text = turn.t("settings_days_prompt")
        paused = turn.user.nudges_paused_until
        if schedule.next_due_at is not None and not (paused is not None and paused > turn.now):
            text += "\n\n" + self.next_line(turn, schedule)  # a day's effect, seen at once
        turn.say(text, keyboard, replace=True)
        return True

    async def _toggle_day(self, turn: Turn, pressed: b.ToggleDay) -> bool:
        if pressed.day not in range(7):
            return False
        schedule = await self._schedule(turn)
        days = set(days_of(schedule)) ^ {pressed.day}
        if not days:
            turn.notice("settings_days_need_one")
            return True
        schedule.days = format_days(days)
        schedule.stride = 1  # a fresh choice of rhythm starts at full frequency
        self._changed(turn, schedule)
        return await self._days_menu(turn)

    async def _time_menu(self, turn: Turn, pressed: b.TimeMenu) -> bool:
        keyboard = (
            tuple(
                b.button(turn, "settings_clock", b.SetTime(m), time=clock_text(m))
                for m in TIMES[:3]
            ),
            tuple(
                b.button(turn, "settings_clock", b.SetTime(m), time=clock_text(m))
                for m in TIMES[3:]
            ),
            (b.button(turn, "settings_back", b.Overview()),),
        )
        turn.say(turn.t("settings_time_prompt"), keyboard, replace=True)
        await awaiting.expect(turn, TIME)
        return True

    async def _set_time(self, turn: Turn, pressed: b.SetTime) -> bool:
        if not 0 <= pressed.minute < 24 * 60:
            return False
        await self._apply_time(turn, pressed.minute, replace=True)
        return True

    async def _apply_time(self, turn: Turn, minute: int, *, replace: bool) -> None:
        schedule = await self._schedule(turn)
        schedule.minute = minute
        await awaiting.clear(turn)
        self._changed(turn, schedule)
        note = turn.t("settings_time_set", time=clock_text(minute))
        quiet = quiet_of(schedule)
        if quiet is not None and quiet.contains(minute):
            note += "\n" + turn.t("settings_time_in_quiet", end=clock_text(quiet.end))
        await self.overview(turn, note=note, replace=replace)

    async def _timezone_menu(self, turn: Turn, pressed: b.TimezoneMenu) -> bool:
        cities = self.nudging.menu_cities
        buttons = [
            KeyButton(c.name[turn.lang], b.SetCity(self.nudging.cities.index(c)).pack())
            for c in cities
        ]
        rows = [tuple(buttons[i : i + 3]) for i in range(0, len(buttons), 3)]
        keyboard = (*rows, (b.button(turn, "settings_back", b.Overview()),))
        current = timezone_of(turn.user, self.nudging.default_tz)
        turn.say(turn.t("settings_timezone_prompt", timezone=current), keyboard, replace=True)
        await awaiting.expect(turn, TIMEZONE)
        return True

    async def _set_city(self, turn: Turn, pressed: b.SetCity) -> bool:
        if pressed.city >= len(self.nudging.cities):
            return False
        city = self.nudging.cities[pressed.city]
        await self.set_timezone(
            turn, city.tz, turn.t("settings_timezone_set", timezone=city.tz), replace=True
        )
        return True

    async def set_timezone(self, turn: Turn, tz: str, note: str, *, replace: bool = False) -> None:
        turn.user.timezone = tz
        turn.session.add(turn.user)
        schedule = await self._schedule(turn)
        await awaiting.clear(turn)
        self._changed(turn, schedule)
        await self.overview(turn, note=note, replace=replace)

    async def _quiet_menu(self, turn: Turn, pressed: b.QuietMenu) -> bool:
        rows = tuple(
            (
                b.button(
                    turn,
                    "settings_quiet_range",
                    b.SetQuiet(start, end),
                    start=clock_text(start),
                    end=clock_text(end),
                ),
            )
            for start, end in QUIET_PRESETS
        )
        keyboard = (
            *rows,
            (b.button(turn, "settings_quiet_none", b.QuietOff()),),
            (b.button(turn, "settings_back", b.Overview()),),
        )
        turn.say(turn.t("settings_quiet_prompt"), keyboard, replace=True)
        return True

    async def _set_quiet(self, turn: Turn, pressed: b.SetQuiet | b.QuietOff) -> bool:
        if isinstance(pressed, b.SetQuiet) and (pressed.start, pressed.end) not in QUIET_PRESETS:
            return False
        schedule = await self._schedule(turn)
        if isinstance(pressed, b.SetQuiet):
            schedule.quiet_start, schedule.quiet_end = pressed.start, pressed.end
        else:
            schedule.quiet_start = schedule.quiet_end = None
        self._changed(turn, schedule)
        await self.overview(turn, note=turn.t("settings_saved"), replace=True)
        return True

    async def _set_summary(self, turn: Turn, pressed: b.Summary) -> bool:
        schedule = await self._schedule(turn)
        schedule.summary = pressed.on
        self._changed(turn, schedule)
        key = "settings_summary_on_note" if schedule.summary else "settings_summary_off_note"
        await self.overview(turn, note=turn.t(key), replace=True)
        return True

    def _changed(self, turn: Turn, schedule: NudgeSchedule) -> None:
        reschedule(schedule, turn.user, turn.now, self.nudging.default_tz)
        turn.session.add(schedule)

    # -- typed input and location --------------------------------------------------

    async def typed(self, turn: Turn, schedule: NudgeSchedule, what: str, text: str) -> bool:
        if what == TIME:
            minute = parse_clock(text)
            if minute is None:
                turn.say_key("settings_time_invalid")
                return True
            await self._apply_time(turn, minute, replace=False)
            return True
        if what == TIMEZONE:
            tz = resolve_timezone(text, self.nudging.cities)
            if tz is None:
                turn.say_key("settings_timezone_invalid")
                return True
            await self.set_timezone(turn, tz, turn.t("settings_timezone_set", timezone=tz))
            return True
        return False

    async def location(self, turn: Turn, latitude: float, longitude: float) -> None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            turn.say_key("settings_location_invalid")
            return
        city = nearest(self.nudging.cities, latitude, longitude)
        note = turn.t(
            "settings_timezone_from_location", city=city.name[turn.lang], timezone=city.tz
        )
        await self.set_timezone(turn, city.tz, note)


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def resolve_timezone(text: str, cities: tuple[City, ...]) -> str | None:
    """An IANA name (any letter case) or one of our cities' names, in any language."""
    cleaned = text.strip().replace(" ", "_")
    if len(cleaned) > 64:
        return None
    if "/" in cleaned and is_timezone(cleaned):
        return cleaned
    found = _zones_by_folded_name().get(cleaned.casefold())
    if found is not None and "/" in found:
        return found
    wanted = text.strip().casefold()
    for city in cities:
        if any(name.casefold() == wanted for name in city.name.values()):
            return city.tz
    return None


def _refusing(handler: Callable[[Turn, Any], Awaitable[bool]]) -> ButtonHandler:
    async def press(turn: Turn, pressed: Payload) -> None:
        if not await handler(turn, pressed):
            turn.notice("unknown_button")

    return press
