"""What the safety feature keeps: the words it held back after a signal.

Quiet mode, the chosen country and the linking question live on the person's
own row (`users.quiet`, `users.country`, `users.safety_asked_at`), because
every feature that could reach a partner reads them without another query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from bot.storage.models import timestamp, user_fk
from bot.storage.types import utcnow


class SafetyHold(SQLModel, table=True):
    """The message a signal stopped, and where the person was, for "That's not what I meant".

    One per person (the newest signal replaces it). It is removed once the person
    answers the safety question any other way, or after a day: a disclosure is
    never kept longer than needed to give a misread message back.
    """

    __tablename__ = "safety_holds"

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    need: str
    """The answer's need (`bot.safety.crisis.GROUPS`); "maybe:" before it when the message
    was held for a question, not a signal (`bot.safety.care.MAYBE`)."""
    group_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """The group chat it was written in (a Talk Table reflection), to give it back there;
    None for the person's private chat."""
    dialog: str | None = None
    node: str | None = None
    awaiting_share: bool = False
    paused_before: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """The person's pause before the signal paused their check-ins, to put it back."""
    quiet_before: bool = False
    """Whether quiet mode was on before the signal turned it on, to put it back."""
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
