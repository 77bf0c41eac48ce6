"""The core tables. Feature packages add their own tables in their own modules.

Every row that belongs to a person references `users.id` with ON DELETE
CASCADE, so deleting a user (`/forget`) removes everything they own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from bot.storage.types import UTCDateTime, utcnow


def user_fk(*, primary_key: bool = False, index: bool = False) -> Column:
    return Column(
        BigInteger,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=primary_key,
        index=index,
        nullable=False,
    )


def couple_ref() -> Column:
    """The couple something was made in: a later couple of the same person never sees it.

    Ending the couple keeps the row (its author's) and clears the reference.
    """
    return Column(Integer, ForeignKey("couples.id", ondelete="SET NULL"), nullable=True)


def timestamp(*, nullable: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class Couple(SQLModel, table=True):
    __tablename__ = "couples"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())


class User(SQLModel, table=True):
    """A person who has talked to the bot; `id` is their Telegram user id."""

    __tablename__ = "users"

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_name: str = ""
    display_name: str | None = None
    lang: str = "en"
    timezone: str | None = None
    couple_id: int | None = Field(
        default=None,
        sa_column=Column(ForeignKey("couples.id", ondelete="SET NULL"), index=True),
    )
    active: bool = True
    """False once Telegram tells us the person blocked the bot."""
    nudges_paused_until: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """No unprompted messages before this moment (a /pause, or a day after a safety signal)."""
    quiet: bool = False
    """Quiet mode (bot.safety.quiet): nothing of this person's reaches their partner, and no
    check-in worded about the couple reaches them, until they turn it off."""
    country: str | None = None
    """ISO code the person chose for crisis lines (asked, never guessed); None: not chosen."""
    safety_asked_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """When the private "do you feel safe with your partner?" question was asked (once)."""
    safety_answered_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """When they answered (or skipped) that question for the current link; None while it is
    open. Only that they answered is kept, never what (bot.safety.link_question)."""
    seen_at: datetime | None = Field(default=None, sa_column=timestamp(nullable=True))
    """When the person last did something themselves, kept to within `SEEN_EVERY` (the
    coach writes it at most that often): who comes back after a long time is welcomed."""
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())

    @property
    def name(self) -> str:
        return self.display_name or self.first_name or "?"


SEEN_EVERY = timedelta(hours=1)
"""How stale `User.seen_at` may be before a turn writes it again (one write an hour,
not one a turn: the embedded database's fast path leaves the person's row alone)."""


class DialogSession(SQLModel, table=True):
    """Where a person is right now; `version` guards against concurrent updates."""

    __tablename__ = "dialog_sessions"

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    dialog: str | None = None
    node: str | None = None
    awaiting_share: bool = False
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())


class DialogProgress(SQLModel, table=True):
    """Per conversation: where the person left it and whether it is done."""

    __tablename__ = "dialog_progress"

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    dialog: str = Field(primary_key=True)
    node: str | None = None
    status: str = "in_progress"
    updated_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())


class Reflection(SQLModel, table=True):
    """A free-text answer. Private to its author unless `shared` is set."""

    __tablename__ = "reflections"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=user_fk(index=True))
    couple_id: int | None = Field(default=None, index=True)
    dialog: str
    node: str
    key: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    together: bool = False
    shared: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())


class WaitingInput(SQLModel, table=True):
    """A question a feature asked and whose answer will be typed (see `bot.waiting`).

    One row a person: the question asked last is the one the next typed
    message may answer.
    """

    __tablename__ = "waiting_inputs"

    user_id: int = Field(sa_column=user_fk(primary_key=True))
    feature: str
    """The `Feature.name` whose `typed` handler takes the answer."""
    key: str
    """What the feature asked (e.g. "invite" for a name asked to make an invite)."""
    ref: str | None = None
    """What the question is about, if anything (an invite, a break, an answer row)."""
    asked_at: datetime = Field(default_factory=utcnow, sa_column=timestamp())
    expires_at: datetime = Field(sa_column=timestamp())
