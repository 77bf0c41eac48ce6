"""Tables of the durable inbox.

`inbox_updates` holds each update Telegram sent, keyed by Telegram's own
`update_id` (so an update fetched or posted twice is stored once). Its JSON is
kept only while it waits: the transaction that handles it clears the payload,
so a person's words do not outlive their turn. The row itself stays as a
tombstone for a day, long enough that a redelivered update is recognised.

`inbox_lanes` says which process is handling which person right now: a
process owns a person's lane while it works through their stored updates in
order, renewing a short lease, so no two processes (and no two tasks) ever
handle the same person at the same time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp

PENDING = "pending"
DONE = "done"
SKIPPED = "skipped"
"""Could not be read, or failed on every attempt: never tried again."""


class InboxUpdate(SQLModel, table=True):
    __tablename__ = "inbox_updates"
    __table_args__ = (Index("ix_inbox_updates_status_chat", "status", "chat_id", "update_id"),)

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    """The ordering key: the person who sent it (or the chat, when there is no sender)."""
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = PENDING
    attempts: int = 0
    received_at: datetime = Field(sa_column=timestamp())
    not_before: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """After a failed attempt: when to try again."""
    done_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))


class InboxLane(SQLModel, table=True):
    __tablename__ = "inbox_lanes"

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    owner: str
    lease_until: datetime = Field(sa_column=timestamp())
