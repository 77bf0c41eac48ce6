"""The phrase language of the safety lists, and finding phrases among words.

A phrase is words separated by spaces, each word one of:

- `hit` — exactly that word; `hit*` — any word beginning so (`dov*` finds
  "dövüyor", "dövdü", "dövecek": Turkish grows its words at the end);
- `hit|hits|slap*` — any of these; `@name` — any word of a named class
  (`@partner`: husband, wife, …), usable among alternatives too;
- a trailing `?` makes a word optional (`really?`);
- `[told him|said|]` — any of these runs of words (the empty one: none);
- `~` — up to three words of anything between; `~5` — up to five;
- a leading `^` marks the head (the verb a negation would deny: `i ~2 ^hit* @them`);
  without it the first word is the head.

A phrase never runs past the end of a sentence, and only a `~` runs over a comma.
Phrases are indexed by their first word, so finding them costs a few dictionary
looks per word of the text, however many phrases there are: linear in the text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from bot.safety.words import HARD, NONE, Words, fold

DEFAULT_GAP = 3


@dataclass(frozen=True, slots=True)
class Slot:
    """One word of a phrase: what it accepts, or how many words it may skip."""

    exact: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()
    optional: bool = False
    gap: int = 0
    head: bool = False

    def accepts(self, word: str) -> str | None:
        """None if `word` does not fit; else what follows the stem ("" for an exact word)."""
        if word in self.exact:
            return ""
        for stem in self.stems:
            if word.startswith(stem):
                return word[len(stem) :]
        return None


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    category: str
    slots: tuple[Slot, ...]
    head: int


@dataclass(frozen=True, slots=True)
class Match:
    phrase: Phrase
    start: int
    end: int
    """Index after the last word."""
    head: int
    """Index of the head word (the verb a negation would deny)."""
    rest: str
    """What followed the stem in the last word matched by a stem (Turkish suffixes)."""


def expand(text: str) -> list[str]:
    """Every phrase a `[a b|c]` group stands for, groups left to right."""
    start = text.find("[")
    if start < 0:
        return [" ".join(text.split())]
    end = text.find("]", start)
    if end < 0:
        raise ValueError(f"phrase {text!r}: '[' without ']'")
    head, tail = text[:start], text[end + 1 :]
    found: list[str] = []
    for alternative in text[start + 1 : end].split("|"):
        found += expand(f"{head} {alternative} {tail}")
    return found


def parse_all(text: str, category: str, classes: Mapping[str, Slot]) -> list[Phrase]:
    return [parse(phrase, category, classes) for phrase in expand(text)]


def parse(text: str, category: str, classes: Mapping[str, Slot]) -> Phrase:
    slots: list[Slot] = []
    head = 0
    for token in text.split():
        if token.startswith("~"):
            slots.append(Slot(gap=int(token[1:] or DEFAULT_GAP)))
            continue
        is_head = token.startswith("^")
        optional = token.endswith("?")
        token = token.removeprefix("^").removesuffix("?")
        exact: set[str] = set()
        stems: list[str] = []
        for alternative in token.split("|"):
            if alternative.startswith("@"):
                if alternative[1:] not in classes:
                    raise ValueError(f"phrase {text!r}: unknown class {alternative}")
                known = classes[alternative[1:]]
                exact |= known.exact
                stems += known.stems
            elif alternative.endswith("*"):
                stems.append(_folded_word(alternative[:-1], text))
            else:
                exact.add(_folded_word(alternative, text))
        if is_head:
            head = len(slots)
        slots.append(Slot(frozenset(exact), tuple(stems), optional, 0, is_head))
    if not slots or slots[0].gap or slots[0].optional:
        raise ValueError(f"phrase {text!r} must begin with a required word")
    if slots[-1].gap:
        raise ValueError(f"phrase {text!r} must not end with a gap")
    return Phrase(text, category, tuple(slots), head)


def word_class(members: list[str]) -> Slot:
    for m in members:
        if not isinstance(m, str):  # YAML reads a bare no/yes/on as a boolean
            raise ValueError(f"{m!r} is not a word (quote it)")
    exact = {_folded_word(m, m) for m in members if not m.endswith("*")}
    stems = tuple(_folded_word(m[:-1], m) for m in members if m.endswith("*"))
    return Slot(frozenset(exact), stems)


def _folded_word(word: str, phrase: str) -> str:
    folded = fold(word).replace("'", "")
    if not folded.isalnum():
        raise ValueError(f"phrase {phrase!r}: {word!r} is not one word")
    return folded


@dataclass
class PhraseIndex:
    """Phrases by the words that can begin them."""

    exact: dict[str, list[Phrase]] = field(default_factory=dict)
    stems: dict[str, list[Phrase]] = field(default_factory=dict)
    lengths: tuple[int, ...] = ()

    @classmethod
    def of(cls, phrases: list[Phrase]) -> PhraseIndex:
        index = cls()
        for phrase in phrases:
            first = phrase.slots[0]
            for word in first.exact:
                index.exact.setdefault(word, []).append(phrase)
            for stem in first.stems:
                index.stems.setdefault(stem, []).append(phrase)
        index.lengths = tuple(sorted({len(s) for s in index.stems}))
        return index

    def starting_with(self, word: str) -> list[Phrase]:
        found = list(self.exact.get(word, ()))
        for n in self.lengths:
            if n > len(word):
                break
            found += self.stems.get(word[:n], ())
        return found

    def find(self, words: Words) -> Iterator[Match]:
        """Every phrase found in `words` (at most one match per phrase and start)."""
        seen: dict[str, list[Phrase]] = {}
        for i, word in enumerate(words.words):
            candidates = seen.get(word)
            if candidates is None:
                candidates = seen[word] = self.starting_with(word)
            for phrase in candidates:
                match = _match(phrase, words, i)
                if match is not None:
                    yield match


def _match(phrase: Phrase, words: Words, start: int) -> Match | None:
    """The phrase starting at word `start`, trying gaps and optional words shortest first."""
    heads: list[int] = [start]
    rests: list[str | None] = [None]

    def walk(slot_index: int, at: int, joined_by_gap: bool) -> int | None:
        if slot_index == len(phrase.slots):
            return at
        slot = phrase.slots[slot_index]
        if slot.gap:
            for skip in range(slot.gap + 1):
                end = at + skip
                if end > len(words) or any(words.breaks[k] == HARD for k in range(at, end)):
                    break
                found = walk(slot_index + 1, end, True)
                if found is not None:
                    return found
            return None
        if at < len(words) and _joined(words, at, slot_index == 0, joined_by_gap):
            rest = slot.accepts(words.words[at])
            if rest is not None:
                found = walk(slot_index + 1, at + 1, False)
                if found is not None:
                    if slot_index == phrase.head:
                        heads[0] = at
                    if rests[0] is None and words.words[at] not in slot.exact:
                        rests[0] = rest  # the deepest stem is the last one: Turkish verbs end phrases
                    return found
        if slot.optional:
            return walk(slot_index + 1, at, joined_by_gap)
        return None

    end = walk(0, start, False)
    if end is None:
        return None
    return Match(phrase, start, end, heads[0], rests[0] or "")


def _joined(words: Words, at: int, first: bool, after_gap: bool) -> bool:
    """A phrase's words follow each other within a clause (a gap may cross a comma)."""
    if first:
        return True
    strength = words.breaks[at]
    return strength == NONE or (after_gap and strength < HARD)
