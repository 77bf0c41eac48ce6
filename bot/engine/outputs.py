"""What the engine asks the outside world to show (outputs) and do (effects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class KeyButton:
    label: str
    data: str


Keyboard = tuple[tuple[KeyButton, ...], ...]


@dataclass(frozen=True)
class Say:
    """A message to the person. `replace` edits the message whose button was pressed;
    with `append`, the edit keeps that message's text and adds this line under it
    (the ✓ mark of a choice), whatever else the message held."""

    text: str
    keyboard: Keyboard = ()
    replace: bool = False
    append: bool = False
    ack: bool = False
    """An acknowledgement of what the person just wrote: said before anything else."""


@dataclass(frozen=True)
class Notice:
    """A short system answer named by an interface-string key (e.g. a stale button)."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


Output = Say | Notice


@dataclass(frozen=True)
class SaveReflection:
    dialog: str
    node: str
    key: str
    text: str
    together: bool
    at: datetime


@dataclass(frozen=True)
class ReflectionShared:
    """The author chose to share their answer at (dialog, node) with their partner."""

    dialog: str
    node: str
    key: str
    at: datetime


@dataclass(frozen=True)
class DialogStarted:
    dialog: str
    at: datetime


@dataclass(frozen=True)
class DialogFinished:
    dialog: str
    at: datetime


@dataclass(frozen=True)
class Action:
    """A domain hook named by a node (`action:` in YAML), run by the effect runner."""

    name: str
    dialog: str
    node: str
    params: dict[str, Any]
    at: datetime


Effect = SaveReflection | ReflectionShared | DialogStarted | DialogFinished | Action
