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

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.cooldown import istatements
from bot.safety.model import Model
from bot.safety.phrases import PhraseIndex, Slot, parse_all, word_class
from bot.safety.words import MARKS, words_of

KINDS = ("label", "name_calling", "contempt", "criticism", "sarcasm")
HEARD = "criticism"
"""The kind named when only the classifier hears an attack: it says hostile, not which."""
EYE_ROLLS = ("🙄", "😒", "🤦", "🖕")


@dataclass(frozen=True)
class Judgement:
    """ "You are …" said of the person: a judgement of who they are, whatever the word.

    Insults are an open class: a list of them always misses the next one ("you're a
    disgrace", "rezilsin"). The shape does not: in a sentence meant for a partner, "you
    are" (or a Turkish word carrying the copula "-sin") followed by a word that is not
    kind, not a place or a time, judges the person. `subjects` start it, `skip` words
    may stand between ("you're such a …"), `allow` lists the words that do not judge
    ("you're right", "haklısın", "you're home late"), and `copula` / `not_copula` read
    the Turkish ending (a noun or adjective with "-sin", not a verb: "yapmışsın").
    """

    subjects: tuple[tuple[str, ...], ...]
    skip: Slot
    allow: Slot
    copula: re.Pattern[str] | None
    not_copula: re.Pattern[str] | None

    def judges(self, words: tuple[str, ...]) -> bool:
        for i, word in enumerate(words):
            if self.copula is not None and self._copula(word):
                return True
            for subject in self.subjects:
                if words[i : i + len(subject)] == subject and self._judged(words, i + len(subject)):
                    return True
        return False

    def _copula(self, word: str) -> bool:
        if not self.copula.fullmatch(word) or self.allow.fits(word):
            return False
        return self.not_copula is None or not self.not_copula.search(word)

    def _judged(self, words: tuple[str, ...], at: int) -> bool:
        while at < len(words) and self.skip.fits(words[at]):
            at += 1
        if at == len(words) or words[at] in MARKS:
            return False
        word = words[at]
        return not (self.allow.fits(word) or word.endswith("ing"))


@dataclass(frozen=True)
class Lists:
    phrases: PhraseIndex
    exceptions: PhraseIndex
    judgement: Judgement | None = None
    model: Model | None = None
    """The classifier behind the lists (`bot.cooldown.hostility_model`), shared by every
    language's lists; None: the lists alone."""


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
    return Lists(PhraseIndex.of(phrases), PhraseIndex.of(exceptions), _judgement(raw))


def _judgement(raw: dict) -> Judgement | None:
    spec = raw.get("judgement")
    if not spec:
        return None
    return Judgement(
        subjects=tuple(tuple(str(s).split()) for s in spec.get("subjects") or []),
        skip=word_class([str(w) for w in spec.get("skip") or []]),
        allow=word_class([str(w) for w in spec.get("allow") or []]),
        copula=re.compile(spec["copula"]) if spec.get("copula") else None,
        not_copula=re.compile(spec["not_copula"]) if spec.get("not_copula") else None,
    )


def hostile(
    text: str, lists: tuple[Lists, ...], *, classifier: bool = True, built: bool = False
) -> str | None:
    """The kind of attack in `text` (one of `KINDS`), or None when there is none.

    `lists` are every language's (`bot.cooldown.data.HOSTILITY`): a person may write in
    another language than the one they chose. The classifier (`classifier`) is asked last,
    about what a person typed; it leaves a "you always / you never" to `istatements`, which
    offers a calmer wording instead of refusing.

    `built` is for the builder's own sentence ("When …, I felt …. Could we …?"). A part of
    it may have reached it without the classifier (words kept or rewritten after a "you
    never", an older stored sentence), so the classifier reads it too, sentence by
    sentence, each sentence with its own "you always" leave. Not clause by clause: the
    classifier reads the coach's own rewrite "you don't listen to me" alone as hostile
    (p = 0.99), while the frame "When …, I felt …" holds it at 0.02. The same frame also
    dilutes an insult put in the situation ("When you ignore me like the spoiled brat you
    are, I felt hurt": 0.62, under the threshold); one in the wish is heard."""
    if any(mark in text for mark in EYE_ROLLS):
        return "sarcasm"
    words = words_of(text)
    judged = False
    for language in lists:
        covered = {i for m in language.exceptions.find(words) for i in range(m.start, m.end)}
        for match in language.phrases.find(words):
            if match.head not in covered:
                return match.phrase.category
        judged = judged or (
            language.judgement is not None and language.judgement.judges(words.words)
        )
    if judged:
        return "label"
    if not classifier:
        return None
    models = {id(m): m for m in (language.model for language in lists) if m is not None}
    if not models:
        return None
    parts = _CLAUSES.split(text) if built else [text]
    for part in parts:
        if not part.strip() or any(istatements.spot(part, lang) for lang in ("en", "tr")):
            continue
        part_words = words_of(part)
        if any(m.signals(part_words) for m in models.values()):
            return HEARD
    return None


_CLAUSES = re.compile(r"[.!?;\n…]+")
"""Where the builder's sentence is cut for the classifier: its sentence ends."""
