"""Spot words that attack the person, so they never become a "gentle start".

Criticism of who someone is ("you're so selfish"), contempt ("what's wrong
with you"), labels and name-calling, and sarcasm ("oh great, as usual") are
heard as an attack: the partner defends instead of listening, whatever
"I feel" is put around them. The lists are data (`data/cooldown/hostility/`,
the phrase syntax of the safety screen, `bot.safety.phrases`), every language
is read whatever the person speaks, and the figures live in
`tests/cooldown/test_hostility.py`. "You always / you never" is the other
half (`istatements`), offered a calmer wording rather than refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.safety.phrases import PhraseIndex, Slot, parse_all, word_class
from bot.safety.words import words_of

HOSTILITY_DIR = PROJECT_ROOT / "data" / "cooldown" / "hostility"
KINDS = ("label", "name_calling", "contempt", "criticism", "sarcasm")
EYE_ROLLS = ("🙄", "😒", "🤦", "🖕")


@dataclass(frozen=True)
class Lists:
    phrases: PhraseIndex
    exceptions: PhraseIndex


def load(path: Path) -> Lists:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    classes: dict[str, Slot] = {
        name: word_class(members) for name, members in (raw.get("classes") or {}).items()
    }
    phrases = []
    for kind, texts in (raw.get("categories") or {}).items():
        if kind not in KINDS:
            raise ValueError(f"{path.name}: unknown kind {kind!r}")
        phrases += [p for text in texts for p in parse_all(str(text), kind, classes)]
    exceptions = [p for t in raw.get("exceptions") or [] for p in parse_all(str(t), "x", classes)]
    return Lists(PhraseIndex.of(phrases), PhraseIndex.of(exceptions))


@cache
def default_lists() -> tuple[Lists, ...]:
    return tuple(load(p) for p in sorted(HOSTILITY_DIR.glob("*.yaml")))


def hostile(text: str, lists: tuple[Lists, ...] | None = None) -> str | None:
    """The kind of attack in `text` (one of `KINDS`), or None when there is none."""
    if any(mark in text for mark in EYE_ROLLS):
        return "sarcasm"
    words = words_of(text)
    for language in lists or default_lists():
        covered = {i for m in language.exceptions.find(words) for i in range(m.start, m.end)}
        for match in language.phrases.find(words):
            if match.head not in covered:
                return match.phrase.category
    return None
