"""Typed models of dialog content.

Dialogs are data (YAML in `dialogs/`); these models are what the loader turns
them into, so the engine and transports never touch raw dictionaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Text = dict[str, str]
"""A message in every supported language: language code -> text."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Button(_Frozen):
    label: Text
    next: str


class Question(_Frozen):
    """A free-text question; the answer is stored as a reflection.

    `shareable` offers the author to share the answer with their partner;
    `together` makes it a couple question revealed once both have answered.
    """

    key: str
    shareable: bool = True
    together: bool = False
    summary: Text | None = None
    """The question in a few words, quoted when couple answers are shown side by side."""
    ack: tuple[Text, ...] = ()
    """Short acknowledgements that fit this question; one is said, at the start of the
    next message, after each answer (picked by the answer, so it varies)."""


class Node(_Frozen):
    """One step of a dialog.

    Exactly one way on: `buttons`, `ask` (+ `next`), `next`, `goto` or `end`.
    `action` names a domain hook the effect runner carries out on entry.
    """

    id: str = ""
    text: Text | None = None
    buttons: tuple[Button, ...] = ()
    ask: Question | None = None
    next: str | None = None
    goto: str | None = None
    end: bool = False
    suggest: str | None = None
    action: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)


class Dialog(_Frozen):
    id: str
    title: Text
    start: str
    nodes: dict[str, Node]
    menu: bool = True
    """Whether the dialog appears in /topics (helpers like welcome may not)."""
    start_by_progress: dict[int, str] = Field(default_factory=dict)
    """Other openings by how many topics the person has finished: the largest
    count reached wins, `start` when none is (a closing that fits someone who did
    none of the conversations as well as someone who did them all)."""

    def opening(self, topics_done: int) -> str:
        reached = [n for n in self.start_by_progress if n <= topics_done]
        return self.start_by_progress[max(reached)] if reached else self.start


@dataclass(frozen=True)
class Content:
    """Every dialog and interface string, validated, ready for the engine."""

    languages: tuple[str, ...]
    dialogs: Mapping[str, Dialog]
    topics: tuple[str, ...]
    ui: Mapping[str, Text] = field(default_factory=dict)
    default_language: str = "en"

    def lang(self, code: str | None) -> str:
        """Map a Telegram language code (e.g. 'tr-TR') to one we have."""
        base = (code or "").split("-")[0].lower()
        return base if base in self.languages else self.default_language

    def t(self, key: str, lang: str, **values: object) -> str:
        """An interface string in `lang`, with `{placeholders}` filled in."""
        text = self.ui[key][self.lang(lang)]
        return text.format(**values) if values else text

    def title(self, dialog_id: str, lang: str) -> str:
        return self.dialogs[dialog_id].title[self.lang(lang)]
