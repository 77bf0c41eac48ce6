"""Near-duplicates in the library: two entries a couple could feel they were asked twice.

Exact repeats are impossible (ids are unique and each rotation walks a pool
once), but two entries worded almost alike defeat the promise just the same,
across pools too: a couple question and a love-maps question are both read by
the same two people. Two measures, per language, each cheap and predictable:

- the words that carry meaning (small function words and `{partner}` left
  out, a plural "s" ignored) overlap by `SHARED_WORDS` or more (Jaccard);
- or the texts, letter by letter, are `SAME_LETTERS` alike (difflib's ratio).

Either one flags the pair. The thresholds were set on the library itself:
they flag the seven pairs that the review of issue 16 found worded almost
alike ("What are you looking forward to this month?" next to "…most in the
coming month?"), and none of the entries that only share a shape ("How easy
was it to … 1 is hard, 5 is easy"). Two entries that mean the same in other
words still take a reader to notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from itertools import combinations

from bot.library.entries import Entry

SHARED_WORDS = 0.6
SAME_LETTERS = 0.85
LETTER_SCREEN = 0.6
"""Pairs sharing fewer letter pairs than this (Dice) are never that alike letter by letter."""
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "but",
        "you",
        "your",
        "yours",
        "you're",
        "you've",
        "you'd",
        "what",
        "what's",
        "is",
        "are",
        "was",
        "were",
        "it",
        "its",
        "in",
        "on",
        "at",
        "for",
        "with",
        "that",
        "this",
        "these",
        "those",
        "do",
        "does",
        "did",
        "how",
        "when",
        "who",
        "which",
        "would",
        "could",
        "should",
        "be",
        "been",
        "me",
        "my",
        "i",
        "i'm",
        "i'd",
        "we",
        "us",
        "our",
        "each",
        "other",
        "one",
        "some",
        "something",
        "about",
        "from",
        "as",
        "than",
        "if",
        "then",
        "there",
        "their",
        "them",
        "they",
        "so",
        "just",
        "not",
        "no",
        "more",
        "most",
        "very",
        "really",
        "feel",
        "felt",
        "partner",
        "partner's",
    ]
)


def _words(text: str) -> frozenset[str]:
    found = _WORD.findall(text.replace("{partner}", " ").lower())
    return frozenset(
        w[:-1] if len(w) > 4 and w.endswith("s") else w
        for w in found
        if len(w) > 2 and w not in _SMALL
    )


def alike(a: str, b: str) -> bool:
    """True when two texts read as the same question or idea."""
    return _alike(_Text(a), _Text(b))


class _Text:
    """A text prepared once for many comparisons."""

    def __init__(self, text: str) -> None:
        self.lower = text.lower()
        self.words = _words(text)
        self.pairs = frozenset(self.lower[i : i + 2] for i in range(len(self.lower) - 1))


def _alike(a: _Text, b: _Text) -> bool:
    if a.words and b.words and len(a.words & b.words) / len(a.words | b.words) >= SHARED_WORDS:
        return True
    shorter, longer = sorted((len(a.lower), len(b.lower)))
    if 2 * shorter / (shorter + longer) < SAME_LETTERS:
        return False  # so different in length that no letter match can reach the threshold
    # letter pairs in common: a cheap screen, so the exact (slow) ratio runs on few pairs
    if 2 * len(a.pairs & b.pairs) < LETTER_SCREEN * (len(a.pairs) + len(b.pairs)):
        return False
    return SequenceMatcher(None, a.lower, b.lower).ratio() >= SAME_LETTERS


def near_duplicates(named: Iterable[tuple[str, Entry]], languages: Sequence[str]) -> list[str]:
    """`where: id: reads almost like other (lang)` for every pair too alike, in any language.

    `named` pairs each entry with the file it came from, so the line says where to look.
    """
    entries = [
        (where, entry, {lang: _Text(entry.text[lang]) for lang in languages})
        for where, entry in named
    ]
    found: list[str] = []
    for (where_a, a, texts_a), (where_b, b, texts_b) in combinations(entries, 2):
        same = [lang for lang in languages if _alike(texts_a[lang], texts_b[lang])]
        if same:
            found.append(
                f"{where_a}: {a.id}: reads almost like {where_b} {b.id} ({', '.join(same)})"
            )
    return found
