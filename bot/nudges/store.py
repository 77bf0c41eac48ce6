"""Schedule rows: the default for a new person, and recomputing after any change.

Every change to a rhythm (days, time, timezone, quiet hours, stride, pause)
goes through `reschedule`, so the stored UTC due times always follow from
the stored local rhythm.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.nudges.models import DEFAULT_DAYS, DEFAULT_MINUTE, DEFAULT_QUIET, NudgeSchedule
from bot.nudges.schedule import Quiet, Rhythm, next_due, next_summary, out_of_quiet, parse_days
from bot.storage.models import User
from bot.storage.repo import insert_ignoring_duplicates

FIRST_NUDGE_AFTER = timedelta(hours=20)
"""A newcomer's first check-in waits at least this long: let them settle in first."""


def days_of(schedule: NudgeSchedule) -> tuple[int, ...]:
    return parse_days(schedule.days)


def rhythm_days(days: str) -> tuple[int, ...]:
    """The stored days, or the default ones should none be left (a rhythm needs a day)."""
    return parse_days(days) or parse_days(DEFAULT_DAYS)


def quiet_of(schedule: NudgeSchedule) -> Quiet | None:
    if schedule.quiet_start is None or schedule.quiet_end is None:
        return None
    return Quiet(schedule.quiet_start, schedule.quiet_end)


def timezone_of(user: User, default_tz: str) -> str:
    return user.timezone or default_tz


def rhythm_of(schedule: NudgeSchedule, user: User, default_tz: str) -> Rhythm:
    return Rhythm(
        rhythm_days(schedule.days),
        schedule.minute,
        timezone_of(user, default_tz),
        quiet_of(schedule),
        schedule.stride,
    )


async def quiet_until(
    session: AsyncSession, user: User, now: datetime, default_tz: str
) -> datetime | None:
    """When `user`'s quiet hours end, if `now` (UTC) falls in them in their own timezone.

    The hours their check-ins keep (`quiet_start`/`quiet_end`); the default ones
    for someone whose schedule row has not been made yet. None: not quiet now —
    or we do not know their night: for someone who never told us their timezone
    the default one is a guess, and holding a partner's news ten hours through a
    guessed night (an afternoon, for most of the world) is worse than a message
    they can mute.
    """
    if user.timezone is None:
        return None
    schedule = await session.get(NudgeSchedule, user.id)
    quiet = quiet_of(schedule) if schedule is not None else Quiet(*DEFAULT_QUIET)
    until = out_of_quiet(quiet, timezone_of(user, default_tz), now)
    return until if until > now else None


def first_after(created_at: datetime, now: datetime) -> datetime:
    return max(now, created_at + FIRST_NUDGE_AFTER)


def default_due(timezone: str, created_at: datetime, now: datetime) -> datetime:
    """The first check-in of the default rhythm: Tuesday and Friday at 19:30, local time."""
    rhythm = Rhythm(
        parse_days(DEFAULT_DAYS),
        DEFAULT_MINUTE,
        timezone,
        Quiet(*DEFAULT_QUIET),
    )
    return next_due(rhythm, first_after(created_at, now))


def new_schedule(user: User, now: datetime, default_tz: str) -> NudgeSchedule:
    due = default_due(timezone_of(user, default_tz), user.created_at, now)
    return NudgeSchedule(user_id=user.id, regular_due_at=due, next_due_at=due)


async def schedule_for(
    session: AsyncSession, user: User, now: datetime, default_tz: str
) -> NudgeSchedule:
    """The person's schedule, created with the default on first use."""
    schedule = await session.get(NudgeSchedule, user.id)
    if schedule is None:
        schedule = new_schedule(user, now, default_tz)
        session.add(schedule)
        await session.flush()
    return schedule


def reschedule(schedule: NudgeSchedule, user: User, now: datetime, default_tz: str) -> None:
    """Recompute the UTC due times from the local rhythm (after any settings change)."""
    rhythm = rhythm_of(schedule, user, default_tz)
    paused = user.nudges_paused_until
    after = max(
        first_after(user.created_at, now), paused if paused is not None and paused > now else now
    )
    schedule.regular_due_at = next_due(rhythm, after)
    refresh_next(schedule)
    if schedule.summary:
        schedule.summary_due_at = next_summary(rhythm.timezone, rhythm.quiet, after)
    else:
        schedule.summary_due_at = None


def refresh_next(schedule: NudgeSchedule) -> None:
    snooze = schedule.snooze_until
    regular = schedule.regular_due_at
    schedule.next_due_at = snooze if snooze is not None and snooze < regular else regular


async def ensure_schedules(
    session: AsyncSession, now: datetime, default_tz: str, limit: int = 5000
) -> int:
    """Give everyone without a schedule the default one (in bulk); returns how many."""
    missing = (
        select(User.id, User.timezone, User.created_at)
        .where(~select(NudgeSchedule.user_id).where(NudgeSchedule.user_id == User.id).exists())
        .limit(limit)
    )
    people = (await session.exec(missing)).all()
    if not people:
        return 0
    rows = []
    for user_id, timezone, created_at in people:
        due = default_due(timezone or default_tz, created_at, now)
        rows.append(
            {
                "user_id": user_id,
                "days": DEFAULT_DAYS,
                "minute": DEFAULT_MINUTE,
                "quiet_start": DEFAULT_QUIET[0],
                "quiet_end": DEFAULT_QUIET[1],
                "stride": 1,
                "unanswered": 0,
                "regular_due_at": due,
                "next_due_at": due,
                "summary": False,
                "kind_cursor": 0,
            }
        )
    table: Table = NudgeSchedule.__table__  # type: ignore[attr-defined]
    await session.exec(insert_ignoring_duplicates(session, table), params=rows)
    return len(rows)
