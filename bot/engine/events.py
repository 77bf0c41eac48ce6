"""What can happen to a person in a dialog. Time arrives with every event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class Event:
    at: datetime
    lang: str = "en"
    has_partner: bool = False


@dataclass(frozen=True, kw_only=True)
class Begin(Event):
    """Open a dialog, at `node` when resuming one left half-way."""

    dialog: str
    node: str | None = None
    topics_done: int = 0
    """How many topics the person has finished (a dialog may open differently)."""


@dataclass(frozen=True, kw_only=True)
class Resume(Event):
    """Show the current step again (after a restart or a stray message)."""


@dataclass(frozen=True, kw_only=True)
class Choose(Event):
    """A button press, carrying the step it was shown at to catch stale taps."""

    dialog: str
    node: str
    index: int


@dataclass(frozen=True, kw_only=True)
class Share(Event):
    """The answer to "share this with your partner?" for the answer at `node`."""

    dialog: str
    node: str
    share: bool


@dataclass(frozen=True, kw_only=True)
class Answer(Event):
    text: str
