"""A plan per exercise a couple means to try; a follow-up per partner, answered once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp, user_fk

EXERCISE = "exercise"
IDEA = "idea"


class ExercisePlan(SQLModel, table=True):
    """Something a couple (or one person) said they would try; locked for the reveal."""

    __tablename__ = "exercise_plans"

    id: int | None = Field(default=None, primary_key=True)
    couple_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("couples.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    planned_by: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="SET NULL"))
    )
    source: str
    """"exercise" (from a conversation) or "idea" (a date or ritual idea)."""
    ref: str
    """The exercise's or idea's id in the library."""
    section: str
    created_at: datetime = Field(sa_column=timestamp())
    revealed_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class ExerciseFollowup(SQLModel, table=True):
    """One partner's "did it happen, how did it feel": private until both answered."""

    __tablename__ = "exercise_followups"
    __table_args__ = (UniqueConstraint("plan_id", "user_id", name="uq_exercise_followup"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(
        sa_column=Column(ForeignKey("exercise_plans.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(sa_column=user_fk(index=True))
    not_before: datetime = Field(sa_column=timestamp())
    """The first check-in at or after this moment carries the follow-up."""
    delivery_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    """The check-in that carried it; cleared when "not yet" asks for a new day."""
    happened: bool | None = None
    feeling: int | None = Field(default=None, sa_column=Column(Integer))
    """1-5, when it happened."""
    answered_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
