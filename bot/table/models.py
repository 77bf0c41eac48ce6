"""A Talk Table: one row per group, one row per private note a partner writes for it.

The table row is the floor (see `floor`): every change is a compare-and-set
on `version`, so two presses at the same instant change it once. Notes are
private to their author until the close reveals both "one thing I understood"
at once; a note prepared before speaking is never shown to anyone else.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp, user_fk

PREP = "prep"
"""What a partner wants to say, written privately before the talk (never shown)."""
UNDERSTOOD = "understood"
""""One thing I understood today", revealed in the group once both have written."""


def _person(nullable: bool = True) -> Column:
    return Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"), nullable=nullable)


class TalkTable(SQLModel, table=True):
    __tablename__ = "talk_tables"
    __table_args__ = (Index("ix_talk_tables_paused_until", "phase", "paused_until"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, unique=True))
    """The Telegram group."""
    couple_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("couples.id", ondelete="CASCADE"))
    )
    opened_by: int | None = Field(default=None, sa_column=_person())
    lang: str
    """The group's language: the one of the partner who opened it."""
    phase: str
    version: int = 0
    talk: int = 0
    """Which talk at this table (a new /talk after an end starts the next one)."""
    speaker_id: int | None = Field(default=None, sa_column=_person())
    listener_id: int | None = Field(default=None, sa_column=_person())
    turns: int = 0
    rounds: int = 3
    topic: str | None = Field(default=None, sa_column=Column(Text))
    """The topic's words in the group's language (a couple question), or None."""
    resume_phase: str | None = None
    paused_until: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    paused_by: int | None = Field(default=None, sa_column=_person())
    created_at: datetime = Field(sa_column=timestamp())
    touched_at: datetime = Field(sa_column=timestamp())


class TalkNote(SQLModel, table=True):
    """A partner's private words for one talk; `text` None means asked, not yet written."""

    __tablename__ = "talk_notes"
    __table_args__ = (UniqueConstraint("table_id", "talk", "user_id", "kind", name="uq_talk_note"),)

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(
        sa_column=Column(ForeignKey("talk_tables.id", ondelete="CASCADE"), nullable=False)
    )
    talk: int
    user_id: int = Field(sa_column=user_fk(index=True))
    kind: str
    text: str | None = Field(default=None, sa_column=Column(Text))
    asked_at: datetime = Field(sa_column=timestamp())
    written_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
