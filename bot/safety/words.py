"""Text as the safety screen reads it: folded words and the breaks between them.

Folding makes spelling variants one word: lower case, no diacritics (Turkish
"ö" and "o" alike, dotted and dotless i both "i"), apostrophes dropped inside
a word ("don't" and "dont", "Ayşe'den" and "aysede"). Breaks remember where a
sentence or clause ended, because a phrase, a negation or a "years ago" only
reaches as far as its own sentence.

Everything here is one pass over the text, so the cost grows with its length
and no more (a 100,000-character message is as cheap per character as a short one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NONE, SOFT, HARD = 0, 1, 2
"""How strongly a word is cut off from the one before it: not at all, a comma, a sentence."""

_PIECE = re.compile(r"([^\W_]+(?:'[^\W_]+)*)|([.!?;\n…]+)|([,:()\[\]{}\"“”«»–—/|]+)")
_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "‘": "'", "ʼ": "'", "´": "'"})
_DOTLESS = str.maketrans({"İ": "i", "I": "i", "ı": "i"})
CLAUSE_WORDS = frozenset({"but", "however", "ama", "fakat", "ancak", "lakin"})
"""Words that start a new clause like a comma: a negation does not reach past them
("not angry but I want to die"), while a sentence goes on ("I said no but he did it anyway")."""


def fold(text: str) -> str:
    """Lower case without diacritics; Turkish dotted and dotless i both become "i"."""
    text = text.translate(_DOTLESS).translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Words:
    """The folded words of a text, and before each one how firmly it is cut off."""

    words: tuple[str, ...]
    breaks: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)


def words_of(text: str) -> Words:
    words: list[str] = []
    breaks: list[int] = []
    pending = HARD
    for word, hard, soft in _PIECE.findall(fold(text)):
        if hard:
            pending = HARD
        elif soft:
            pending = max(pending, SOFT)
        elif word in CLAUSE_WORDS:
            pending = max(pending, SOFT)
        else:
            words.append(word.replace("'", ""))
            breaks.append(pending)
            pending = NONE
    return Words(tuple(words), tuple(breaks))
