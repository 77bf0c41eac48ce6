"""What the path remembers: each check and its answers, and what the welcome told us.

All of it is private to the person: suggestions use only their own rows, and
a partner learns where the two checks agree or differ only after both chose
to compare (`compare_at` on both checks).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.models import couple_ref, timestamp, user_fk


class PathCheck(SQLModel, table=True):
    __tablename__ = "path_checks"
    __table_args__ = (UniqueConstraint("user_id", "number", name="uq_path_check_number"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    number: int
    """1 for the first check, 2 for the one four weeks later, and so on."""
    started_at: datetime = Field(sa_column=timestamp())
    finished_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    compare_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """When the person chose to compare this check with their partner's."""
    asked_partner_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """When the partner was asked (once) whether they would like to compare too."""
    compared_with: int | None = None
    """The partner's check this one was compared with (each pair is shown once)."""
    couple_id: int | None = Field(default=None, sa_column=couple_ref())
    """The couple the check was taken in (its statements name that partner): it is only
    ever compared within that couple, never with a later partner's check."""


class PathAnswer(SQLModel, table=True):
    __tablename__ = "path_answers"

    check_id: int = Field(
        sa_column=Column(
            ForeignKey("path_checks.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    question: str = Field(primary_key=True)
    value: int
    """1 rarely, 2 sometimes, 3 often, 4 almost always."""


class PathProfile(SQLModel, table=True):
    """What the welcome told us, and when we last saw the person (to welcome them back)."""

    __tablename__ = "path_profiles"

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    focus: str | None = None
    mood: str | None = None
    seen_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
