"""Spot words that suggest self-harm, abuse, coercive control or violence in free text.

The phrase lists are data (`data/safety/<lang>.yaml`, syntax in `phrases`) so
that people who know the language and the field can improve them without
touching code; `tests/safety/corpus/` measures every change (recall per
category, false alarms). A phrase found is a signal unless:

- it sits inside an idiom listed as an exception ("the dog beat me to the door");
- it is denied: a negation reaches its head word over auxiliaries and adverbs
  only ("he would never hurt me", but "nobody knows he beats me" is heard),
  or, in Turkish, the verb carries the negative suffix ("dövmedi") or a
  negative verb follows ("intihar etmeyi düşünmüyorum"); a denied "stop"
  means the harm goes on ("he never stops hitting me", "dövmeyi bırakmıyor");
- for abuse and violence only: its sentence tells the past ("when I was a kid",
  "çocukken", a Turkish habitual past "döverdi") and nothing in its clause says
  it goes on, or the nearest subject before it is not a partner ("my toddler
  hits me", "bu trafik beni öldürüyor"). Self-harm never gets these two
  excuses: a miss there costs too much.

Every step is a constant amount of work per word, so the screen is linear in
the length of the text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.safety.meaning import Meaning, default_meaning
from bot.safety.model import Model, default_model
from bot.safety.model import sentences as sentences_of
from bot.safety.phrases import Match, Phrase, PhraseIndex, Slot, parse_all, word_class
from bot.safety.words import HARD, MARKS, SOFT, Words, words_of

SAFETY_DIR = PROJECT_ROOT / "data" / "safety"

SELF_HARM = ("self_harm", "self_harm_passive")
ABUSE = ("violence", "sexual", "threat", "fear", "control", "stalking", "abuse")
USES_VIOLENCE = ("uses_violence",)
CATEGORIES = SELF_HARM + ABUSE + USES_VIOLENCE

ASK_THRESHOLD = 0.5
"""Above this probability from the word classifier or the reader by meaning, with nothing
reaching the sure tier (a phrase of the lists, or a reader's own threshold, 0.8), Attune asks
the person privately whether it read them right before it answers (`bot.safety.care`).

Chosen with a table measured on the whole corpus, the blind parts v8-v12 included (both
readers' thresholds lowered together; "heard" = any signal): at 0.8 the blind parts' signals
were heard 518/675 (en) and 458/675 (tr); at 0.6 566 and 509; at 0.5 593 and 536, for 7 and 16
of chat2's ordinary messages (2 and 5 at 0.8) and 2 and 4 of 150 everyday ones (0 and 1);
at 0.4 the ordinary parts' alarms rose faster than the signals. Because it was chosen looking
at them, the blind parts' figures for this tier are NOT blind any more: they measure it, they
do not promise how it does on a new writer (tests/safety/corpus/README.md, "Ask tier")."""
DENIAL_REACH = 4
"""How many words back a negation may be found from the word it denies."""
SUBJECT_REACH = 6
"""How many words back the subject of a phrase is looked for."""


@dataclass(frozen=True)
class Language:
    """One language's lists, compiled."""

    name: str
    phrases: PhraseIndex
    exceptions: PhraseIndex
    negators: Slot
    between: Slot
    continuations: Slot
    negative_suffix: re.Pattern[str] | None
    negative_after: re.Pattern[str] | None
    after_reach: int
    history: PhraseIndex
    habitual_suffix: re.Pattern[str] | None
    present: PhraseIndex
    others: Slot
    partners: Slot
    pronouns: Slot
    reporting: Slot
    raising: tuple[tuple[str, ...], ...]
    """"I don't think | he'd ever hit me": a denial raised above the clause it denies."""

    def signals(self, words: Words) -> set[str]:
        found: set[str] = set()
        for match in self.matches(words, found):
            found.add(match.phrase.category)
        return found

    def matches(self, words: Words, known: Container[str] = ()) -> Iterator[Match]:
        """The matches that count as signals (none of a category in `known`)."""
        candidates = self.phrases.find(words, known)
        first = next(candidates, None)
        if first is None:
            return  # most messages: no phrase at all, and nothing more to read
        excepted = _covered(words, self.exceptions)
        sentences, clauses = _sentence_and_clause_ids(words)
        past = {sentences[m.start] for m in self.history.find(words)}
        ongoing = {clauses[m.start] for m in self.present.find(words)}
        for match in itertools.chain((first,), candidates):
            if match.phrase.category in known:
                continue
            if excepted[match.head] or self.denied(words, match):
                continue
            if match.phrase.category not in SELF_HARM:
                in_past = sentences[match.start] in past or self._habitual(match)
                if in_past and clauses[match.start] not in ongoing:
                    continue
                if self._someone_else(words, match.start):
                    continue
            yield match

    def excused_sentences(self, words: Words) -> tuple[set[int], set[int]]:
        """For the classifier, which sees sentences, not phrases: the sentences holding an
        idiom of the exception list, and the sentences that tell the past with nothing
        saying it goes on (numbered as `bot.safety.model.sentences` numbers them)."""
        sentences, _ = _sentence_and_clause_ids(words)
        idioms = {sentences[m.start] for m in self.exceptions.find(words)}
        ongoing = {sentences[m.start] for m in self.present.find(words)}
        past = {sentences[m.start] for m in self.history.find(words)} - ongoing
        number = _sentence_numbers(words)
        return {number[s] for s in idioms if s in number}, {number[s] for s in past if s in number}

    def denied_sentences(self, words: Words) -> set[tuple[int, str]]:
        """(sentence number, category) of every phrase found and denied, numbered as
        `bot.safety.model.sentences` numbers them: for the ask tier (`Detector.read`)."""
        sentences, _ = _sentence_and_clause_ids(words)
        number = _sentence_numbers(words)
        return {
            (number[sentences[m.start]], m.phrase.category)
            for m in self.phrases.find(words)
            if sentences[m.start] in number and self.denied(words, m)
        }

    def denied(self, words: Words, match: Match) -> bool:
        if self.negative_suffix is not None and self.negative_suffix.match(match.rest):
            return True
        return self._denied_before(words, match.head) or self._denied_after(words, match.end)

    def _denied_before(self, words: Words, head: int) -> bool:
        i = head
        for _ in range(DENIAL_REACH):
            if i == 0 or words.marked(i - 1):
                return False
            i -= 1
            word = words.words[i]
            if self.negators.accepts(word) is not None:
                return True
            if self.between.accepts(word) is None:
                return self.pronouns.accepts(word) is not None and self._raised(words, i)
        return False

    def _raised(self, words: Words, subject: int) -> bool:
        for raising in self.raising:
            start = subject - len(raising)
            if start >= 0 and words.words[start:subject] == raising:
                return True
        return False

    def _denied_after(self, words: Words, end: int) -> bool:
        if self.negative_after is None:
            return False
        for i in range(end, min(end + self.after_reach, len(words))):
            word = words.words[i]
            if word in MARKS:
                return False
            if self.negative_after.search(word):
                return self.continuations.accepts(word) is None
            if self.between.accepts(word) is None:
                return False  # "kendimi kesiyorum kimse bilmiyor": the denial is someone else's
        return False

    def _habitual(self, match: Match) -> bool:
        return self.habitual_suffix is not None and bool(self.habitual_suffix.match(match.rest))

    def _someone_else(self, words: Words, start: int) -> bool:
        """The nearest subject before the phrase is not a partner ("my toddler hits me").

        A pronoun right after a verb of saying stands for that verb's subject
        ("my sister said she'll kill me"); any other pronoun is taken to be the partner.
        """
        first = words.words[start]
        if self.pronouns.accepts(first) is not None or self.partners.accepts(first) is not None:
            return False  # the phrase names its own subject ("he ... scares me")
        i = start
        for _ in range(SUBJECT_REACH):
            if i == 0 or words.marked(i - 1):
                return False
            i -= 1
            word = words.words[i]
            if self.pronouns.accepts(word) is not None:
                if not (i > 0 and self.reporting.accepts(words.words[i - 1]) is not None):
                    return False
                i -= 1
                continue
            if self.partners.accepts(word) is not None:
                return False
            if self.others.accepts(word) is not None:
                return True
        return False


def _covered(words: Words, index: PhraseIndex) -> list[bool]:
    covered = [False] * len(words)
    for m in index.find(words):
        for i in range(m.start, m.end):
            covered[i] = True
    return covered


def _sentence_and_clause_ids(words: Words) -> tuple[list[int], list[int]]:
    sentences, clauses = [], []
    sentence = clause = 0
    for word in words.words:
        if word == HARD:
            sentence += 1
        if word in (HARD, SOFT):
            clause += 1
        sentences.append(sentence)
        clauses.append(clause)
    return sentences, clauses


def _sentence_numbers(words: Words) -> dict[int, int]:
    """Sentence ids (as `_sentence_and_clause_ids` counts them) of the sentences with words,
    in order: empty sentences ("..." or a text starting with ".") get no number."""
    sentences, _ = _sentence_and_clause_ids(words)
    numbers: dict[int, int] = {}
    for i, word in enumerate(words.words):
        if word != HARD and sentences[i] not in numbers:
            numbers[sentences[i]] = len(numbers)
    return numbers


def _pattern(items: list[str] | None) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{item})" for item in items)) if items else None


def _phrases(
    texts: list[str],
    category: str,
    classes: dict[str, Slot],
    suffixes: dict[str, re.Pattern[str]] | None = None,
) -> list[Phrase]:
    return [
        phrase
        for text in texts or []
        for phrase in parse_all(str(text), category, classes, suffixes)
    ]


def load_language(path: Path) -> Language:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    classes = {name: word_class(members) for name, members in (raw.get("classes") or {}).items()}
    suffixes = {name: re.compile(str(p)) for name, p in (raw.get("suffixes") or {}).items()}
    phrases: list[Phrase] = []
    for category, texts in (raw.get("categories") or {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"{path.name}: unknown category {category!r}")
        phrases += _phrases(texts, category, classes, suffixes)
    negation = raw.get("negation") or {}
    history = raw.get("history") or {}
    subjects = raw.get("subjects") or {}
    return Language(
        name=path.stem,
        phrases=PhraseIndex.of(phrases),
        exceptions=PhraseIndex.of(_phrases(raw.get("exceptions"), "exception", classes)),
        negators=word_class(negation.get("before") or []),
        between=word_class(negation.get("between") or []),
        continuations=word_class(negation.get("continuations") or []),
        negative_suffix=_pattern(negation.get("suffixes")),
        negative_after=_pattern(negation.get("after")),
        after_reach=int(negation.get("after_reach", 2)),
        history=PhraseIndex.of(_phrases(history.get("markers"), "history", classes)),
        habitual_suffix=_pattern(history.get("suffixes")),
        present=PhraseIndex.of(_phrases(history.get("present"), "present", classes)),
        others=word_class(subjects.get("others") or []),
        partners=word_class(subjects.get("partners") or []),
        pronouns=word_class(subjects.get("pronouns") or []),
        reporting=word_class(subjects.get("reporting") or []),
        raising=tuple(tuple(str(r).split()) for r in negation.get("raising") or []),
    )


@dataclass(frozen=True)
class Reading:
    """What the screen heard in a text, in two tiers.

    `sure`: categories a phrase of the lists names, or a reader scores above its own
    threshold: answered as a disclosure. `possible`: categories a reader scores above
    `ASK_THRESHOLD` but not sure: worth a question, never an answer by themselves."""

    sure: frozenset[str] = frozenset()
    possible: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Detector:
    languages: tuple[Language, ...]
    model: Model | None = None
    """The classifier that backs up the lists (`bot/safety/model.py`); None: lists only."""
    meaning: Meaning | None = None
    """The sentence reader by meaning (`bot/safety/meaning.py`); None: not asked."""
    ask_threshold: float = ASK_THRESHOLD
    """The readers' probability above which a category is `Reading.possible`."""

    def check(self, text: str) -> frozenset[str]:
        """The categories of concern in `text` (empty when there are none): the sure tier."""
        return self.read(text).sure

    def read(self, text: str) -> Reading:
        """Both tiers of `text`, from one pass: each reader scores every sentence once, and
        each score is held against two thresholds.

        Every language's lists are checked, whatever the person's language:
        people switch languages, and a miss is worse than a false alarm.

        A phrase of the lists found and denied in a sentence ("Don't think he'd ever hit me",
        "kendimi öldürmeyi düşünmüyorum") keeps that sentence from raising a question for
        its category: the lists read the denial, the readers only half do.
        """
        words = words_of(text)
        sure: set[str] = set()
        denied: set[tuple[int, str]] = set()
        for language in self.languages:
            sure |= language.signals(words)
            denied |= language.denied_sentences(words)
        excused = self._excuse(words)
        readers: list[tuple[list[tuple[int, str, float]], float, Callable[[int, str], bool]]] = []
        if self.model is not None:
            readers.append((self.model.scored(words), self.model.threshold, excused))
        if self.meaning is not None:
            meaning_excuse = self._meaning_excuse(words, excused)
            readers.append((self.meaning.scored(text), self.meaning.threshold, meaning_excuse))
        possible: set[str] = set()
        for scored, threshold, excuse in readers:
            for n, category, p in scored:
                if p <= min(threshold, self.ask_threshold) or excuse(n, category):
                    continue  # most scores: nothing to ask about, and no excuse to look up
                if p > threshold:
                    sure.add(category)
                elif p > self.ask_threshold and (n, category) not in denied:
                    possible.add(category)
        return Reading(frozenset(sure), frozenset(possible - sure))

    def _meaning_excuse(
        self, words: Words, excused: Callable[[int, str], bool]
    ) -> Callable[[int, str], bool]:
        """The lists' `excused`, and a sentence whose words of harm are all denied: a
        sentence's meaning is near that of its negation ("I would never kill myself")."""
        if self.model is None:
            return excused
        model = self.model
        denied = {n for n, s in enumerate(sentences_of(words)) if model.only_denied(s)}
        return lambda n, category: n in denied or excused(n, category)

    def _excuse(self, words: Words) -> Callable[[int, str], bool]:
        """The lists' excuses, applied to the classifier sentence by sentence: an idiom
        ("the dog beat me to the door") excuses its sentence; a sentence about the past
        excuses every category but self-harm, as it does for phrases."""
        idioms: set[int] = set()
        past: set[int] = set()
        for language in self.languages:
            i, p = language.excused_sentences(words)
            idioms |= i
            past |= p

        def excused(sentence: int, category: str) -> bool:
            return sentence in idioms or (sentence in past and category not in SELF_HARM)

        return excused

    def explain(self, text: str) -> list[tuple[str, str, str]]:
        """(language, category, phrase) for every signal: for people tuning the lists."""
        words = words_of(text)
        found = [
            (language.name, m.phrase.category, m.phrase.text)
            for language in self.languages
            for m in language.matches(words)
        ]
        excused = self._excuse(words)
        if self.model is not None:
            found += [("model", c, f"p={p}") for c, p in self.model.explain(words, excused)]
        if self.meaning is not None:
            found += [
                ("meaning", c, f"share={p}")
                for c, p in self.meaning.explain(text, self._meaning_excuse(words, excused))
            ]
        return found


def load_detector(
    directory: Path = SAFETY_DIR, model: Model | None = None, meaning: Meaning | None = None
) -> Detector:
    return Detector(
        tuple(load_language(p) for p in sorted(directory.glob("*.yaml"))), model, meaning
    )


@cache
def default_detector() -> Detector:
    return load_detector(model=default_model(), meaning=default_meaning())
