"""Check-in tables: one schedule row per person, one delivery row per check-in sent.

Schedules hold local rhythm plus the next due time in UTC (indexed: the sweep
reads only what is due). Deliveries carry the unique key (user, stream, due
time) that makes every check-in happen at most once, and the claim/lease
state (`bot.delivery.record`, whose states are re-exported here) that lets a
crashed process's work be picked up without sending twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.delivery.record import CLAIMED as CLAIMED
from bot.delivery.record import FAILED as FAILED
from bot.delivery.record import SENDING as SENDING
from bot.delivery.record import SENT as SENT
from bot.delivery.record import SKIPPED as SKIPPED
from bot.delivery.record import UNKNOWN as UNKNOWN
from bot.storage.models import couple_ref, timestamp, user_fk
from bot.storage.types import utcnow

NUDGE = "nudge"
SUMMARY = "summary"


REF_PREFIX = "nudge:"
DEFAULT_DAYS = "1,4"
DEFAULT_MINUTE = 19 * 60 + 30
DEFAULT_QUIET = (22 * 60, 8 * 60)


def delivery_ref(delivery_id: int) -> str:
    """How an outgoing message names its delivery row (`Outbound.ref`)."""
    return f"{REF_PREFIX}{delivery_id}"


def delivery_id_of(ref: str | None) -> int | None:
    if ref is None or not ref.startswith(REF_PREFIX):
        return None
    tail = ref.removeprefix(REF_PREFIX)
    return int(tail) if tail.isdigit() else None


class NudgeSchedule(SQLModel, table=True):
    __tablename__ = "nudge_schedules"
    __table_args__ = (
        Index("ix_nudge_schedules_next_due_at", "next_due_at"),
        Index("ix_nudge_schedules_summary_due_at", "summary_due_at"),
    )

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    days: str = DEFAULT_DAYS
    """Weekdays as numbers, 0 = Monday ("1,4" = Tuesday and Friday)."""
    minute: int = DEFAULT_MINUTE
    """Local time of day in minutes after midnight."""
    quiet_start: int | None = DEFAULT_QUIET[0]
    quiet_end: int | None = DEFAULT_QUIET[1]
    stride: int = 1
    """1 = every occurrence; 2 = every second one (after "fewer" or ignored check-ins)."""
    unanswered: int = 0
    """Check-ins sent in a row without any reaction."""
    last_nudged_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    regular_due_at: datetime = Field(sa_column=timestamp())
    snooze_until: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    snooze_of: int | None = Field(default=None, sa_column=Column(BigInteger))
    """The delivery whose check-in comes back when the snooze ends."""
    next_due_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """min(regular, snooze): what the sweep looks for."""
    summary: bool = False
    summary_due_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    kind_cursor: int = 0
    paused_by_me_until: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """What /pause set, so /resume never lifts a pause someone else (safety) set."""
    paused_before: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """A pause that was already running when /pause extended it."""


class NudgeDelivery(SQLModel, table=True):
    __tablename__ = "nudge_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "stream", "due_at", name="uq_nudge_delivery_key"),
        Index("ix_nudge_deliveries_status_lease", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk())
    stream: str = NUDGE
    due_at: datetime = Field(sa_column=timestamp())
    status: str = CLAIMED
    owner: str | None = None
    lease_until: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    claimed_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
    sent_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    attempts: int = 0
    kind: str | None = None
    prompt: str | None = None
    ref: str | None = None
    """Kind-specific: the dialog to continue, or the couple question id."""
    couple_id: int | None = Field(default=None, sa_column=couple_ref())
    """The couple the check-in was written for (its prompt may name the partner):
    what is answered to it can only ever be shared within that couple."""
    snooze_of: int | None = Field(default=None, sa_column=Column(BigInteger))
    backoff_note: bool = False
    engaged_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class NudgeRotation(SQLModel, table=True):
    """How many prompts of one kind a person has been sent: the place in their shuffled pool."""

    __tablename__ = "nudge_rotation"

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    kind: str = Field(primary_key=True)
    served: int = 0


class NudgeCheckin(SQLModel, table=True):
    """A 1-5 closeness score; private unless `shared` (then shown in the partner's picture)."""

    __tablename__ = "nudge_checkins"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    score: int
    shared: bool = False
    delivery_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    couple_id: int | None = Field(default=None, sa_column=couple_ref())
    """Shared scores show only in the picture of this couple's partner."""
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())


class NudgeAnswer(SQLModel, table=True):
    """A typed answer to a check-in prompt; private unless the author shares it."""

    __tablename__ = "nudge_answers"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    kind: str
    prompt: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    shared: bool = False
    question_id: int | None = Field(default=None, sa_column=Column(Integer, index=True))
    couple_id: int | None = Field(default=None, sa_column=couple_ref())
    """Only this couple's partner may ever be sent the answer."""
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())


class NudgeCoupleQuestion(SQLModel, table=True):
    """A question from the pool for both partners; answers revealed once both answered."""

    __tablename__ = "nudge_couple_questions"
    __table_args__ = (UniqueConstraint("couple_id", "seq", name="uq_nudge_couple_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(
        sa_column=Column(ForeignKey("couples.id", ondelete="CASCADE"), nullable=False)
    )
    seq: int
    prompt: str
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
    revealed_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
