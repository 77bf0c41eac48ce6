"""Cooldown tables: one row per break a person takes, and the timers that wake it.

Both belong to the person who started the break (ON DELETE CASCADE), so
/forget removes them and /mydata lists them for that person only. No column
points at the partner: `notice_couple_id` remembers the couple a notice was
sent within, so later updates (a new return time) go to that partner and no
one else, and the starter's private words never show up in the partner's
/mydata (which collects every row that references them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Text
from sqlmodel import Field, SQLModel

from bot.storage.models import couple_ref, timestamp, user_fk
from bot.storage.types import utcnow


class Cooldown(SQLModel, table=True):
    """One break, from the flood check to the repair conversation.

    `phase` is the state of the small state machine in `bot.cooldown.phases`;
    at most one cooldown per person is open (`closed_at` is NULL) at a time.
    The dialog the person was in is never touched: `dialog_version` only
    remembers where it stood, to tell whether they went back to it themselves.
    """

    __tablename__ = "cooldowns"
    __table_args__ = (
        Index(
            "uq_cooldowns_open_per_user",
            "user_id",
            unique=True,
            sqlite_where=Column("closed_at").is_(None),
            postgresql_where=Column("closed_at").is_(None),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    phase: str = "check"
    signs: int = 0
    """Flooding signs ticked in the quick check, as bits (see `phases.SIGNS`)."""
    minutes: int | None = None
    ends_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    extensions: int = 0
    notice_couple_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("couples.id", ondelete="SET NULL"), nullable=True),
    )
    notice_sent_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    notice_acked_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    dialog_version: int = -1
    paused_until_at_start: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """`User.nudges_paused_until` when the break began: a change means a pause or a
    safety signal happened during the break, and the return prompt is held back."""
    topic: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    suggestion: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    feeling: str | None = None
    need: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    statement: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    statement_sent_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    statement_couple_id: int | None = Field(default=None, sa_column=couple_ref())
    """The couple the gentle start was sent within: only that partner's "I read it" counts."""
    statement_heard_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    outcome: str | None = None
    started_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
    touched_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
    closed_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class CooldownTimer(SQLModel, table=True):
    """A message due at a moment: the end of a break, or one breathing cue.

    Rows are claimed by deleting them (only the transaction whose DELETE hit
    the row sends), so two sweeps or two workers never fire the same timer,
    and a restart simply finds the rows still waiting. The message a timer
    says is staged in the outbox in the same transaction (see `timers`).
    """

    __tablename__ = "cooldown_timers"
    __table_args__ = (Index("ix_cooldown_timers_due_at", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    cooldown_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("cooldowns.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    kind: str
    step: int = 0
    due_at: datetime = Field(sa_column=timestamp())
