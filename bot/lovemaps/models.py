"""One row per round a couple plays, one per partner's answer, so the reveal happens once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp, user_fk

OWN = "own"
GUESS = "guess"


class LoveMapRound(SQLModel, table=True):
    """A question the couple plays; locked while deciding whether both have played."""

    __tablename__ = "lovemap_rounds"
    __table_args__ = (UniqueConstraint("couple_id", "seq", name="uq_lovemap_round_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(
        sa_column=Column(ForeignKey("couples.id", ondelete="CASCADE"), nullable=False)
    )
    seq: int
    depth: int
    question: str
    """The love-maps entry id (data/library/lovemaps.yaml)."""
    started_by: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))
    )
    invited_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """When the partner was told it is their turn (once per round)."""
    created_at: datetime = Field(sa_column=timestamp())
    revealed_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class LoveMapAnswer(SQLModel, table=True):
    """One partner's answer about themselves and guess about the other.

    Private until the round is revealed to both. While we wait for a typed
    answer or guess, `bot.waiting` holds the question ("own" or "guess").
    """

    __tablename__ = "lovemap_answers"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_lovemap_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(
        sa_column=Column(ForeignKey("lovemap_rounds.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(sa_column=user_fk(index=True))
    own: str | None = Field(default=None, sa_column=Column(Text))
    guess: str | None = Field(default=None, sa_column=Column(Text))
    asked_at: datetime = Field(sa_column=timestamp())
    answered_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))

    @property
    def complete(self) -> bool:
        return self.own is not None and self.guess is not None
