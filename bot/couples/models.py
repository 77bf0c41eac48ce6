"""Tables of the couples feature. Every row belongs to one person (`user_id`, ON DELETE
CASCADE), so /mydata finds it and /forget removes it without knowing this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp, user_fk
from bot.storage.types import utcnow


class Invite(SQLModel, table=True):
    """A one-time invite. Only the SHA-256 of the code is stored, never the code."""

    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    """The person who invites."""
    code_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
    expires_at: datetime = Field(sa_column=timestamp())
    used_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class LinkAttempt(SQLModel, table=True):
    """One failed attempt to join with a code; counted to stop guessing."""

    __tablename__ = "link_attempts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
