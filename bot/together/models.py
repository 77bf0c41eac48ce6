"""One row per couple and question, so the reveal and the reminder happen once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp


def _person() -> Column:
    """A user reference that /forget clears rather than leaves dangling."""
    return Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))


class CoupleQuestion(SQLModel, table=True):
    __tablename__ = "couple_questions"
    __table_args__ = (UniqueConstraint("couple_id", "dialog", "node"),)

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int = Field(
        sa_column=Column(ForeignKey("couples.id", ondelete="CASCADE"), nullable=False)
    )
    dialog: str
    node: str
    reminded_user_id: int | None = Field(default=None, sa_column=_person())
    reminded_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    skipped_by: int | None = Field(default=None, sa_column=_person())
    revealed_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    held_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """Both had answered before they linked: the reveal waits until both have answered the
    private safety question of the link (`bot.together.flow.carry_over`)."""
