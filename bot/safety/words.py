"""Text as the safety screen reads it: folded words, with marks where clauses end.

Folding makes spelling variants one word: lower case, no diacritics (Turkish
"ö" and "o" alike, dotted and dotless i both "i"), apostrophes dropped inside
a word ("don't" and "dont", "Ayşe'den" and "aysede"). Marks remember where a
sentence (`.`) or a clause (`,`) ended, because a phrase, a negation or a
"years ago" only reaches as far as its own sentence; "but" and "ama" count as
a comma. A mark is a word of its own that no phrase word accepts.

Everything here is done by the regular-expression engine and `str.split`, so
reading a text costs a few microseconds per thousand characters and grows with
its length and no more.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HARD = "."
"""The mark of a sentence's end."""
SOFT = ","
"""The mark of a clause's end."""
MARKS = frozenset({HARD, SOFT})

_DOTLESS = str.maketrans({"İ": "i", "I": "i", "ı": "i", "’": "'", "`": "'", "‘": "'", "ʼ": "'"})
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
_SENTENCE_END = re.compile(r"[.!?;\n…。！？]+")
_CLAUSE_END = re.compile(r"[,:()\[\]{}\"“”«»–—|]+|\b(?:but|however|ama|fakat|ancak|lakin)\b")
_OTHER = re.compile(r"[^\w.,]+|_")


def fold(text: str) -> str:
    """Lower case without diacritics; Turkish dotted and dotless i both become "i"."""
    if text.isascii():
        return text.lower()
    text = text.translate(_DOTLESS)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


@dataclass(frozen=True, slots=True)
class Words:
    """The folded words of a text, with `HARD` and `SOFT` marks among them."""

    words: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.words)

    def marked(self, i: int) -> bool:
        return self.words[i] in MARKS


def words_of(text: str) -> Words:
    folded = _INNER_APOSTROPHE.sub("", fold(text))
    folded = _SENTENCE_END.sub(f" {HARD} ", folded)
    folded = _CLAUSE_END.sub(f" {SOFT} ", folded)
    return Words(tuple(_OTHER.sub(" ", folded).split()))
