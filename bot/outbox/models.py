"""One row per message a turn decided to send: a row of the delivery record.

The row is written in the turn's transaction, so a committed turn always has
its messages on record. Its states are `bot.delivery.record`'s (re-exported
here). The body (the text, perhaps a partner's shared words) is kept only
until the message reaches a final state.

A message one person sends another names its `sender`, so that the sender can
be told, without the words, when it could not be delivered (`about` says what
it was, e.g. the conversation a shared answer came from); a time-bound message
(a breathing cue) is `useful_until` a moment, after which it is not sent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Text
from sqlmodel import Field, SQLModel

from bot.delivery.record import CLAIMED as CLAIMED
from bot.delivery.record import EXPIRED as EXPIRED
from bot.delivery.record import FAILED as FAILED
from bot.delivery.record import HELD as HELD
from bot.delivery.record import SENDING as SENDING
from bot.delivery.record import SENT as SENT
from bot.delivery.record import SKIPPED as SKIPPED
from bot.delivery.record import UNKNOWN as UNKNOWN
from bot.storage.models import timestamp

REPLY = "reply"
BULK = "bulk"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_lease", "status", "lease_until"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    """The recipient (so /mydata shows and /forget deletes what waits for them)."""
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    lane: str = REPLY
    status: str = CLAIMED
    owner: str
    lease_until: datetime = Field(sa_column=timestamp())
    attempts: int = 0
    created_at: datetime = Field(sa_column=timestamp())
    sent_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    sender_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    )
    """Whose news it is: for a message to a partner, the one told if it cannot be delivered
    (`Outbox.tell_sender`); for partner news held until the recipient's quiet hours end
    (owner `HELD`), it goes only if they are still linked and not in quiet mode then. It
    goes with them when they /forget."""
    kind: str | None = Field(default=None, sa_column=Column(String(60), nullable=True))
    """What the message is (its dialog key): for logs and the sender's notice, never the words."""
    about: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON naming what it was for that notice (a conversation's id), never private words."""
    useful_until: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """After this it is not sent but marked `expired` (a breathing cue hours late helps nobody)."""
