"""The phrase language of the safety lists, and finding phrases among words.

A phrase is words separated by spaces, each word one of:

- `hit` — exactly that word; `hit*` — any word beginning so (`dov*` finds
  "dövüyor", "dövdü", "dövecek": Turkish grows its words at the end);
- `hit|hits|slap*` — any of these; `@name` — any word of a named class
  (`@partner`: husband, wife, …), usable among alternatives too;
- a trailing `?` makes a word optional (`really?`);
- `vur|dov+past3` — the stems followed by exactly a suffix of the language's named
  suffix class (`suffixes:` in its list), so Turkish person and tense are read from the
  ending: `vurdu` (he hit) against `vurdum` (I hit), whatever the verb;
- `[told him|said|]` — any of these runs of words (the empty one: none);
- `$` — the end of a clause (a comma, a full stop, the end of the text);
- `~` — up to three words of anything between; `~5` — up to five;
- a leading `^` marks the head (the verb a negation would deny: `i ~2 ^hit* @them`);
  without it the first word is the head.

A phrase never runs past the end of a sentence, and only a `~` runs over a comma.
Phrases are indexed by their first word, so finding them costs a few dictionary
looks per word of the text, however many phrases there are: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass

from bot.safety.words import HARD, MARKS, Words, fold

DEFAULT_GAP = 3


@dataclass(frozen=True, slots=True)
class Slot:
    """One word of a phrase: what it accepts, or how many words it may skip."""

    exact: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()
    optional: bool = False
    gap: int = 0
    head: bool = False
    end: bool = False
    suffix: re.Pattern[str] | None = None
    """When set, a stem fits only if the rest of the word is exactly such a suffix."""

    def accepts(self, word: str) -> str | None:
        """None if `word` does not fit; else what follows the stem ("" for an exact word)."""
        if word in self.exact:
            return ""
        if not word.startswith(self.stems):  # one C-level test for all of them
            return None
        if self.suffix is None:
            return next(word[len(s) :] for s in self.stems if word.startswith(s))
        for stem in self.stems:
            if word.startswith(stem) and self.suffix.fullmatch(word, len(stem)):
                return word[len(stem) :]
        return None

    def fits(self, word: str) -> bool:
        if self.suffix is not None:
            return self.accepts(word) is not None
        return word in self.exact or word.startswith(self.stems)


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    category: str
    slots: tuple[Slot, ...]
    head: int

    @property
    def second(self) -> Slot | None:
        """The word that must follow the first one right away, if there is one."""
        if len(self.slots) < 2:
            return None
        slot = self.slots[1]
        return None if slot.gap or slot.end or slot.optional else slot


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


def parse_all(
    text: str,
    category: str,
    classes: Mapping[str, Slot],
    suffixes: Mapping[str, re.Pattern[str]] | None = None,
) -> list[Phrase]:
    return [parse(phrase, category, classes, suffixes) for phrase in expand(text)]


def parse(
    text: str,
    category: str,
    classes: Mapping[str, Slot],
    suffixes: Mapping[str, re.Pattern[str]] | None = None,
) -> Phrase:
    slots: list[Slot] = []
    head = 0
    for token in text.split():
        if token.startswith("~"):
            slots.append(Slot(gap=int(token[1:] or DEFAULT_GAP)))
            continue
        if token == "$":
            slots.append(Slot(end=True))
            continue
        is_head = token.startswith("^")
        optional = token.endswith("?")
        token = token.removeprefix("^").removesuffix("?")
        suffix = None
        if "+" in token:
            token, name = token.rsplit("+", 1)
            if not suffixes or name not in suffixes:
                raise ValueError(f"phrase {text!r}: unknown suffix class +{name}")
            suffix = suffixes[name]
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
        if suffix is not None:  # an exact word with a suffix is a stem: "vur+past3"
            stems += sorted(exact)
            exact = set()
        slots.append(Slot(frozenset(exact), tuple(stems), optional, 0, is_head, False, suffix))
    if not slots or slots[0].gap or slots[0].optional or slots[0].end:
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


class _WordTable:
    """Phrases by words (exact) and word beginnings (stems): a few dictionary looks per word."""

    def __init__(self) -> None:
        self.exact: dict[str, list[Phrase]] = {}
        self.stems: dict[str, list[Phrase]] = {}
        self.lengths: tuple[int, ...] = ()

    def add(self, slot: Slot, phrase: Phrase) -> None:
        for word in slot.exact:
            self.exact.setdefault(word, []).append(phrase)
        for stem in slot.stems:
            self.stems.setdefault(stem, []).append(phrase)
        self.lengths = tuple(sorted({len(s) for s in self.stems}))

    def lookup(self, word: str) -> list[Phrase]:
        found = list(self.exact.get(word, ()))
        for n in self.lengths:
            if n > len(word):
                break
            found += self.stems.get(word[:n], ())
        return found


def _anchor(phrase: Phrase) -> Slot:
    """The rarest-looking word a match must contain: the required slot whose shortest
    alternative is longest ("rope" rather than "a" in "the|a rope ready")."""
    required = [s for s in phrase.slots if not (s.gap or s.end or s.optional)]
    return max(required, key=lambda s: min(map(len, (*s.exact, *s.stems)), default=0))


class PhraseIndex:
    """Phrases by the words that can begin them, and by a word each must contain.

    Finding runs in two passes, each linear in the text: the distinct words
    of the text wake the phrases whose anchor word is among them, then each
    position tries only the awake phrases that can begin there. Common words
    ("my", "a", "he") begin many phrases but wake few, so ordinary text costs
    little more than reading it.
    """

    def __init__(self, phrases: list[Phrase]) -> None:
        self.phrases = phrases
        self.first = _WordTable()
        self.anchors = _WordTable()
        for phrase in phrases:
            self.first.add(phrase.slots[0], phrase)
            self.anchors.add(_anchor(phrase), phrase)

    @classmethod
    def of(cls, phrases: list[Phrase]) -> PhraseIndex:
        return cls(phrases)

    def find(self, words: Words, skip: Container[str] = ()) -> Iterator[Match]:
        """Every phrase found in `words` (at most one match per phrase and start).

        Phrases of a category in `skip` are not tried; the caller may add to it
        while reading, so a text full of one signal costs no more than one.
        """
        if not self.phrases:
            return
        distinct = set(words.words) - MARKS
        awake = {id(p) for word in distinct for p in self.anchors.lookup(word)}
        if not awake:
            return
        starts = {
            w: [(p, p.second) for p in self.first.lookup(w) if id(p) in awake] for w in distinct
        }
        text = words.words
        last = len(text) - 1
        for i, word in enumerate(text):
            for phrase, second in starts.get(word, ()):
                if second is not None and (i == last or not second.fits(text[i + 1])):
                    continue
                if phrase.category in skip:
                    continue
                match = _match(phrase, words, i)
                if match is not None:
                    yield match


def _match(phrase: Phrase, words: Words, start: int) -> Match | None:
    """The phrase starting at word `start`, trying gaps and optional words shortest first.

    Marks are words no slot accepts, so a phrase's words follow each other within a
    clause; a gap may skip a comma but never the end of a sentence.
    """
    heads: list[int] = [start]
    rests: list[str | None] = [None]
    text = words.words
    size = len(text)

    def walk(slot_index: int, at: int) -> int | None:
        if slot_index == len(phrase.slots):
            return at
        slot = phrase.slots[slot_index]
        if slot.end:
            return walk(slot_index + 1, at) if at == size or text[at] in MARKS else None
        if slot.gap:
            for skip in range(slot.gap + 1):
                if skip and (at + skip > size or text[at + skip - 1] == HARD):
                    break
                found = walk(slot_index + 1, at + skip)
                if found is not None:
                    return found
            return None
        if at < size:
            rest = slot.accepts(text[at])
            if rest is not None:
                found = walk(slot_index + 1, at + 1)
                if found is not None:
                    if slot_index == phrase.head:
                        heads[0] = at
                    # the deepest stem is the last one: Turkish verbs end phrases
                    if rests[0] is None and text[at] not in slot.exact:
                        rests[0] = rest
                    return found
        if slot.optional:
            return walk(slot_index + 1, at)
        return None

    end = walk(0, start)
    if end is None:
        return None
    return Match(phrase, start, end, heads[0], rests[0] or "")
