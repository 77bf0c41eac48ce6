"""When the next check-in is due: pure functions of a rhythm and a moment.

A rhythm is local wall-clock time (weekdays + time of day in an IANA zone,
quiet hours, a stride for "less often"). APScheduler's `CronTrigger` walks
the calendar in that zone, so daylight-saving changes are handled by the
library; every result is an aware UTC datetime, ready to store.

Two wrinkles of `CronTrigger` (APScheduler 3.x) are smoothed here: on the
autumn night a wall time happens twice it would fire twice (we keep the
first, like a person's alarm clock), and asked for a time after the second
of those it can hand back the same instant again (we step past it). In the
spring gap a time that does not exist fires at the same instant one hour
later on the wall clock (02:30 → 03:30), once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Cron's names of the weekdays, 0 = Monday (the numbers stored and put on buttons)."""
MAX_STRIDE = 4
"""Backing off twice (every second, then every fourth check-in) is as quiet as it gets."""
SUMMARY_DAY = 6
SUMMARY_MINUTE = 18 * 60
_STEP = timedelta(microseconds=1)


@dataclass(frozen=True)
class Quiet:
    """Quiet hours as minutes after local midnight; `start > end` wraps past midnight."""

    start: int
    end: int

    def contains(self, minute: int) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


@dataclass(frozen=True)
class Rhythm:
    days: tuple[int, ...]
    """Weekdays, 0 = Monday."""
    minute: int
    """Local time of day, minutes after midnight."""
    timezone: str
    quiet: Quiet | None = None
    stride: int = 1
    """Use every `stride`-th occurrence: 2 halves the frequency."""


def parse_days(text: str) -> tuple[int, ...]:
    """Weekday numbers as stored ("1,4" = Tuesday and Friday), sorted, each once.

    The one place a list of days is read: the schedule column, the default and
    the sweep's rows all go through it. What is not a number is left out.
    """
    return tuple(sorted({int(d) for d in text.split(",") if d.strip().isdigit()}))


def format_days(days: Iterable[int]) -> str:
    """The stored form of `days`, the inverse of `parse_days`."""
    return ",".join(str(d) for d in sorted(set(days)))


def parse_day(text: str) -> int | None:
    """One weekday number from a button ("0" … "6"), or None for anything else."""
    return int(text) if text in _DAY_NUMBERS else None


_DAY_NUMBERS = frozenset(str(d) for d in range(len(DAY_NAMES)))


def zone(name: str | None, default: str = "UTC") -> ZoneInfo:
    """The named zone, or `default` for a missing or unknown name (never raises)."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")  # pragma: no cover - UTC always exists


def is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=4096)
def _trigger(days: tuple[int, ...], minute: int, timezone: str) -> CronTrigger:
    """Triggers are immutable and shared: 100,000 users need only a few hundred of them."""
    day_spec = ",".join(DAY_NAMES[d] for d in sorted(set(days))) if days else "*"
    return CronTrigger(
        day_of_week=day_spec, hour=minute // 60, minute=minute % 60, timezone=zone(timezone)
    )


def next_fire(days: tuple[int, ...], minute: int, timezone: str, after: datetime) -> datetime:
    """The first occurrence strictly after `after` (UTC), once per local wall time."""
    trigger = _trigger(tuple(sorted(set(days))), minute, timezone)
    tz = zone(timezone)
    start = after
    for _ in range(16):
        found = trigger.get_next_fire_time(None, (start + _STEP).astimezone(tz))
        if found is None:  # pragma: no cover - an unbounded cron always has a next time
            raise ValueError("no next occurrence")
        found = found.astimezone(UTC)
        if found <= start:  # stuck on a repeated wall time: step past it
            start = start + timedelta(hours=1)
            continue
        if found.astimezone(tz).fold == 1:  # the second pass of a repeated hour
            start = found
            continue
        return found
    raise ValueError("could not find the next occurrence")  # pragma: no cover


def local_minute(at: datetime, timezone: str) -> int:
    local = at.astimezone(zone(timezone))
    return local.hour * 60 + local.minute


def in_quiet(quiet: Quiet | None, timezone: str, at: datetime) -> bool:
    return quiet is not None and quiet.contains(local_minute(at, timezone))


def out_of_quiet(quiet: Quiet | None, timezone: str, at: datetime) -> datetime:
    """`at`, or the end of the quiet hours it falls in."""
    if not in_quiet(quiet, timezone, at):
        return at
    assert quiet is not None
    return next_fire((), quiet.end, timezone, at - _STEP)


@lru_cache(maxsize=8192)
def next_due(rhythm: Rhythm, after: datetime) -> datetime:
    """The next check-in after `after`: every `stride`-th occurrence, never in quiet hours.

    Cached: a sweep computes the same answer for everyone who shares a rhythm
    and a timezone, so 100,000 people cost a few hundred calendar walks.
    """
    due = after
    for _ in range(max(1, rhythm.stride)):
        due = next_fire(rhythm.days, rhythm.minute, rhythm.timezone, due)
    return out_of_quiet(rhythm.quiet, rhythm.timezone, due)


def next_summary(timezone: str, quiet: Quiet | None, after: datetime) -> datetime:
    """The weekly picture: Sunday early evening, local time."""
    due = next_fire((SUMMARY_DAY,), SUMMARY_MINUTE, timezone, after)
    return out_of_quiet(quiet, timezone, due)


def snooze_hour(rhythm: Rhythm, now: datetime) -> datetime:
    return out_of_quiet(rhythm.quiet, rhythm.timezone, now + timedelta(hours=1))


def snooze_tomorrow(rhythm: Rhythm, now: datetime) -> datetime:
    """Tomorrow (local) at the person's usual check-in time."""
    midnight = next_fire((), 0, rhythm.timezone, now)
    return out_of_quiet(
        rhythm.quiet,
        rhythm.timezone,
        next_fire((), rhythm.minute, rhythm.timezone, midnight - _STEP),
    )


def same_local_day(a: datetime, b: datetime, timezone: str) -> bool:
    tz = zone(timezone)
    return a.astimezone(tz).date() == b.astimezone(tz).date()


def parse_clock(text: str) -> int | None:
    """'19:30', '7:05', '1930' or '19.30' -> minutes after midnight; None if not a time."""
    cleaned = text.strip().replace(".", ":").replace(" ", "")
    if ":" not in cleaned and cleaned.isdigit() and len(cleaned) in (3, 4):
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    hours, sep, minutes = cleaned.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    h, m = int(hours), int(minutes)
    if 0 <= h < 24 and 0 <= m < 60:
        return h * 60 + m
    return None


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
