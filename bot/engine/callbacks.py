"""The engine's own buttons: a dialog's choices, sharing an answer, opening a topic.

They are handled by `bot.conversations`; every other feature declares its own
payload classes next to its handlers (see `bot.engine.payloads`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.payloads import Payload


@dataclass(frozen=True)
class Nav(Payload, prefix="n"):
    """A dialog node's button number `index` (`n|welcome|hello|0`)."""

    dialog: str
    node: str
    index: int


@dataclass(frozen=True)
class Share(Payload, prefix="s"):
    """Share the answer to a node's question with the partner, or keep it private."""

    dialog: str
    node: str
    yes: bool


@dataclass(frozen=True)
class Topic(Payload, prefix="t"):
    """Open (or resume) a conversation."""

    dialog: str


@dataclass(frozen=True)
class TopicsMenu(Payload, prefix="m|topics"):
    """Show the /topics menu."""
