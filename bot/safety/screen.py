"""Spot words that suggest self-harm, suicide, violence or abuse in free text.

The phrase lists are data (`data/safety/<lang>.yaml`) so that people who know
the language and the field can improve them without touching code. Matching
is deliberately simple and explainable: phrases over a folded text (lower
case, no diacritics, so "ölmek" and "olmek" match alike), with a few rules to
skip negated statements ("I would never hurt her"). It errs on the side of
caution: a false alarm costs one calm message, a miss costs far more.

Phrase syntax: words separated by spaces (any run of non-letters matches a
space, so "self harm" also matches "self-harm"); `*` inside a word matches any
letters ("suicid*" matches "suicidal"); a lone `~` allows up to three words in
between.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT

SAFETY_DIR = PROJECT_ROOT / "data" / "safety"
CATEGORIES = ("suicide", "self_harm", "violence", "abuse")
WINDOW_BEFORE = 3
"""How many words before a phrase may negate it ("I would never | hurt her")."""
WINDOW_AFTER = 2
"""How many words after a phrase may negate it (Turkish puts the verb last)."""
CLAUSE_BREAK = re.compile(r"[.!?;\n]+|\b(?:but|ama|fakat|ancak|yet)\b")
WORD = re.compile(r"[\w']+")
SEPARATOR = r"\W+"
GAP = r"(?:[\w']+\W+){0,3}"


def fold(text: str) -> str:
    """Lower case without diacritics; Turkish dotted/dotless i both become "i"."""
    text = text.replace("İ", "i").replace("I", "i").replace("ı", "i")
    text = text.replace("’", "'").replace("`", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _word_regex(word: str) -> str:
    return r"\w*".join(re.escape(part) for part in fold(word).split("*"))


def phrase_regex(phrase: str) -> str:
    """Turn one phrase of the lists into a regular expression over folded text."""
    body = ""
    for token in phrase.split():
        body += GAP if token == "~" else _word_regex(token) + SEPARATOR
    return rf"(?<![\w']){body.removesuffix(SEPARATOR)}(?![\w'])"


def _compile(phrases: list[str]) -> list[re.Pattern[str]]:
    """One pattern per phrase: overlapping matches must each get their own chance."""
    return [re.compile(phrase_regex(p)) for p in phrases]


@dataclass(frozen=True)
class Language:
    """One language's lists, compiled."""

    name: str
    categories: dict[str, list[re.Pattern[str]]]
    negations_before: re.Pattern[str] | None
    negations_after: re.Pattern[str] | None
    exceptions: list[re.Pattern[str]]
    continuations: re.Pattern[str] | None = None
    """Verbs like "stop" that turn a negation around: "he never stops hitting me"."""
    openings: WordOpenings | None = None
    """How phrases can begin; None when some phrase could begin anyhow."""

    def signals(self, folded: str) -> set[str]:
        if self.openings is not None and not self.openings.any_in(folded):
            return set()  # most messages: no word starts any phrase, so none can match
        spans = self._exception_spans(folded)
        found: set[str] = set()
        for category, patterns in self.categories.items():
            if any(
                self._counts(folded, match, spans) for p in patterns for match in p.finditer(folded)
            ):
                found.add(category)
        return found

    def _counts(self, folded: str, match: re.Match[str], spans: list[tuple[int, int]]) -> bool:
        """A match counts unless an exception covers it or a nearby word negates it."""
        if any(a <= match.start() and match.end() <= b for a, b in spans):
            return False
        return not self._negated(folded, match.start(), match.end())

    def _exception_spans(self, folded: str) -> list[tuple[int, int]]:
        return [m.span() for p in self.exceptions for m in p.finditer(folded)]

    def _negated(self, folded: str, start: int, end: int) -> bool:
        before = CLAUSE_BREAK.split(folded[:start])[-1]
        words = WORD.findall(before)[-WINDOW_BEFORE:]
        negating = [i for i, w in enumerate(words) if _matches(self.negations_before, w)]
        if negating and not any(_matches(self.continuations, w) for w in words[negating[-1] + 1 :]):
            return True
        after = CLAUSE_BREAK.split(folded[end:])[0]
        return any(
            _matches(self.negations_after, w) and not _matches(self.continuations, w)
            for w in WORD.findall(after)[:WINDOW_AFTER]
        )


@dataclass(frozen=True)
class WordOpenings:
    """Word beginnings that every match of a phrase must contain, for a cheap first look.

    Running all the phrase patterns costs ~0.2 ms per message. Each word of a
    phrase begins a word of the text with its literal letters (the part before
    any `*`), so for each phrase we keep its longest such beginning; a message
    in which no word begins with any of them cannot match, and is passed in
    a few microseconds.
    """

    prefixes: frozenset[str]
    lengths: tuple[int, ...]

    @classmethod
    def of(cls, phrases: list[str]) -> WordOpenings | None:
        prefixes = set()
        for phrase in phrases:
            anchor = max(
                (_literal_start(t) for t in phrase.split() if t != "~"), key=len, default=""
            )
            if not anchor:
                return None  # this phrase could begin anyhow: always run the patterns
            prefixes.add(anchor)
        return cls(frozenset(prefixes), tuple(sorted({len(p) for p in prefixes})))

    def any_in(self, folded: str) -> bool:
        return any(
            word[:n] in self.prefixes for word in LETTERS.findall(folded) for n in self.lengths
        )


LETTERS = re.compile(r"\w+")


def _literal_start(token: str) -> str:
    """The letters a word of the text must begin with to match `token`."""
    literal = LETTERS.match(fold(token).split("*")[0])
    return literal.group() if literal else ""


def _matches(pattern: re.Pattern[str] | None, word: str) -> bool:
    return pattern is not None and pattern.fullmatch(word) is not None


def _word_alternatives(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile("|".join(_word_regex(w) for w in words))


def load_language(path: Path) -> Language:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    categories: dict[str, list[re.Pattern[str]]] = {}
    every_phrase: list[str] = []
    for category, phrases in (raw.get("categories") or {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"{path.name}: unknown category {category!r}")
        texts = [str(p) for p in phrases or []]
        every_phrase += texts
        categories[category] = _compile(texts)
    return Language(
        name=path.stem,
        categories=categories,
        negations_before=_word_alternatives([str(w) for w in raw.get("negations_before", [])]),
        negations_after=_word_alternatives([str(w) for w in raw.get("negations_after", [])]),
        exceptions=_compile([str(p) for p in raw.get("exceptions", [])]),
        continuations=_word_alternatives([str(w) for w in raw.get("continuations", [])]),
        openings=WordOpenings.of(every_phrase),
    )


@dataclass(frozen=True)
class Detector:
    languages: tuple[Language, ...]

    def check(self, text: str) -> frozenset[str]:
        """The categories of concern in `text` (empty when there are none).

        Every language's lists are checked, whatever the person's language:
        people switch languages, and a miss is worse than a false alarm.
        """
        folded = fold(text)
        found: set[str] = set()
        for language in self.languages:
            found |= language.signals(folded)
        return frozenset(found)


def load_detector(directory: Path = SAFETY_DIR) -> Detector:
    return Detector(tuple(load_language(p) for p in sorted(directory.glob("*.yaml"))))


@cache
def default_detector() -> Detector:
    return load_detector()
