"""What to do with a check-in whose time has come: a pure decision.

The sweep reads a due schedule row, asks `plan_nudge`, and writes back the
answer. Keeping the rules here — grace window, pause, quiet hours, one a day,
backing off after ignored check-ins — makes them testable with nothing but
datetimes, and keeps the database code free of policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.nudges.schedule import (
    MAX_STRIDE,
    Quiet,
    Rhythm,
    in_quiet,
    next_due,
    next_summary,
    same_local_day,
)

IGNORED_BEFORE_BACKOFF = 3


class Reason(StrEnum):
    DUE = "due"
    SNOOZE = "snooze"
    LATE = "late"
    """Missed by more than the grace window (the bot was down): skipped, not sent late."""
    PAUSED = "paused"
    INACTIVE = "inactive"
    QUIET = "quiet"
    DAILY_LIMIT = "daily_limit"


SENDING = frozenset({Reason.DUE, Reason.SNOOZE})


@dataclass(frozen=True)
class Due:
    """A due schedule row, as the sweep read it."""

    rhythm: Rhythm
    regular_due_at: datetime
    snooze_until: datetime | None
    unanswered: int
    last_nudged_at: datetime | None
    paused_until: datetime | None
    active: bool


@dataclass(frozen=True)
class Plan:
    reason: Reason
    due_at: datetime
    """The occurrence handled: with the user and stream, the delivery's unique key."""
    regular_due_at: datetime
    snooze_until: datetime | None
    stride: int
    unanswered: int
    last_nudged_at: datetime | None
    backoff: bool = False
    """The frequency was just halved; tell the person, once, with this check-in."""

    @property
    def send(self) -> bool:
        return self.reason in SENDING

    @property
    def snoozed(self) -> bool:
        return self.reason is Reason.SNOOZE

    @property
    def next_due_at(self) -> datetime:
        if self.snooze_until is not None and self.snooze_until < self.regular_due_at:
            return self.snooze_until
        return self.regular_due_at


def plan_nudge(row: Due, now: datetime, grace: timedelta) -> Plan:
    rhythm = row.rhythm
    snooze_due = row.snooze_until is not None and row.snooze_until <= now
    regular_due = row.regular_due_at <= now
    due_at = _handled_at(row, snooze_due)
    after = max(now, row.paused_until or now)
    regular = next_due(rhythm, after) if regular_due else row.regular_due_at
    snooze = None if snooze_due else row.snooze_until
    reason = _reason(row, now, grace, due_at, snooze_due)
    stride, unanswered, backoff = rhythm.stride, row.unanswered, False
    last = row.last_nudged_at
    if reason in SENDING:
        last = now
        if reason is Reason.DUE and unanswered >= IGNORED_BEFORE_BACKOFF:
            unanswered = 0
            if stride < MAX_STRIDE:
                stride, backoff = stride * 2, True
                if regular_due:
                    regular = next_due(_with_stride(rhythm, stride), after)
    return Plan(reason, due_at, regular, snooze, stride, unanswered, last, backoff)


def _handled_at(row: Due, snooze_due: bool) -> datetime:
    """The occurrence this sweep handles: a due snooze, or else the regular time."""
    if snooze_due and row.snooze_until is not None:
        return row.snooze_until
    return row.regular_due_at


def _reason(row: Due, now: datetime, grace: timedelta, due_at: datetime, snooze: bool) -> Reason:
    rhythm = row.rhythm
    if not row.active:
        return Reason.INACTIVE
    if row.paused_until is not None and row.paused_until > now:
        return Reason.PAUSED
    if now - due_at > grace:
        return Reason.LATE
    if in_quiet(rhythm.quiet, rhythm.timezone, now):
        return Reason.QUIET
    if snooze:
        return Reason.SNOOZE  # asked for by the person: not an unprompted nudge
    if row.last_nudged_at is not None and same_local_day(row.last_nudged_at, now, rhythm.timezone):
        return Reason.DAILY_LIMIT
    return Reason.DUE


def _with_stride(rhythm: Rhythm, stride: int) -> Rhythm:
    return Rhythm(rhythm.days, rhythm.minute, rhythm.timezone, rhythm.quiet, stride)


@dataclass(frozen=True)
class SummaryPlan:
    reason: Reason
    due_at: datetime
    next_due_at: datetime

    @property
    def send(self) -> bool:
        return self.reason is Reason.DUE


def plan_summary(
    due_at: datetime,
    timezone: str,
    quiet: Quiet | None,
    paused_until: datetime | None,
    active: bool,
    now: datetime,
    grace: timedelta,
) -> SummaryPlan:
    """The weekly picture: opt-in, so no daily limit, but pause, quiet and grace apply."""
    nxt = next_summary(timezone, quiet, max(now, due_at))
    if not active:
        reason = Reason.INACTIVE
    elif paused_until is not None and paused_until > now:
        reason = Reason.PAUSED
    elif now - due_at > grace:
        reason = Reason.LATE
    elif in_quiet(quiet, timezone, now):
        reason = Reason.QUIET
    else:
        reason = Reason.DUE
    return SummaryPlan(reason, due_at, nxt)
