"""The parts the classifier learns from never hold a sentence of the parts that measure it.

The blind parts not yet trained on (`BLIND`) are the honest figures only while nothing like
their sentences is trained on. A sentence of a trained part that shares most of its words
with a blind one (by the folded words the screen reads) would make the blind figure a tuned
one: such a sentence is dropped from a trained part written for the purpose; in a part
written before the blind one by another hand (and so not edited), it is counted, and the
count may not grow.
"""

from __future__ import annotations

import pytest

from bot.safety import model
from bot.safety.words import MARKS, words_of
from tests.safety.recognition import (
    BLIND,
    CHAT_PARTS,
    CORPUS,
    EVERYDAY_PARTS,
    FOLDED,
    LANGUAGES,
    corpus,
)

TOO_CLOSE = 0.6
"""Share of content words in common (Jaccard) at which two sentences count as the same one."""
OLDER_PARTS = ("tuned", "heldout", "fresh", *FOLDED)
"""Trained parts written before the blind parts by other hands, as test or tuned sets: never
edited, so not held to the check; their sentences this close to a blind one are counted in
`NEAR_IN_OLDER_PARTS` instead. (62 English and 43 Turkish sentences of the first three are
this close to a blind6 one, common disclosures said the same way; blind8's writer read the
first 15 lines of blind7 for its format.)"""
NEAR_IN_OLDER_PARTS = {
    ("en", "blind8"): {"tuned": 8, "fresh": 5, "blind5": 1, "blind6": 3, "blind7": 9},
    ("tr", "blind8"): {"tuned": 2, "fresh": 2, "blind5": 1, "blind6": 4, "blind7": 1},
    ("en", "blind9"): {"tuned": 7, "fresh": 5, "blind5": 1, "blind6": 3, "blind7": 7},
    ("tr", "blind9"): {"fresh": 1, "blind5": 1, "blind7": 1},
    ("en", "blind10"): {},
    ("tr", "blind10"): {},
    ("en", "blind11"): {"tuned": 11, "fresh": 8, "blind5": 3, "blind6": 5, "blind7": 5},
    ("tr", "blind11"): {"tuned": 5, "fresh": 3, "blind5": 3, "blind6": 5, "blind7": 4},
    ("en", "blind12"): {"tuned": 1, "heldout": 1, "blind5": 1, "blind6": 1, "blind7": 2},
    ("tr", "blind12"): {"tuned": 1, "fresh": 1, "blind5": 1, "blind6": 1},
}
"""Sentences of the older trained parts this close to a sentence of a blind part, counted by
script (none read): the blind figure is flattered by at most these. The README also gives
blind8's figure on its sentences close to no trained one."""
CHECKED_AGAINST = {
    "broad": ("blind5", "blind6"),
    "chat": (*BLIND, *FOLDED, *EVERYDAY_PARTS),
    "chat2": (*BLIND, *FOLDED, *EVERYDAY_PARTS),
}
"""The blind parts a trained part must stay clear of, when not all of them: `broad` was written
after blind6 and before blind7. Two of its sentences are this close to a blind7 one by
coincidence ("he keeps turning up at my kids school", "i'm afraid we're drifting apart"), and
three Turkish ones to a blind8 one and three English ones to a blind9 one (counted, not read),
so those figures are flattered by at most those three. `chat` (short ordinary messages, the
seventh pass) stays clear of every blind part and of `everyday`, which measures the same kind
of message; so does `chat2` (ninth pass, the same kind, by a new hand: its 8 English and 12
Turkish lines this close to one were dropped unread by script). Any other trained part added
later is checked against every blind part."""


def blind_parts_for(part: str) -> tuple[str, ...]:
    return CHECKED_AGAINST.get(part, BLIND)


FUNCTION_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "a",
        "an",
        "the",
        "and",
        "to",
        "of",
        "in",
        "on",
        "at",
        "is",
        "was",
        "im",
        "ive",
        "dont",
        "when",
        "if",
        "for",
        "with",
        "that",
        "this",
        "be",
        "so",
        "or",
        "but",
        "you",
        "we",
        "us",
        "our",
        "o",
        "bir",
        "ve",
        "da",
        "de",
        "bu",
        "ben",
        "beni",
        "bana",
        "onu",
        "ona",
    ]
)


def bag(text: str) -> frozenset[str]:
    return frozenset(w for w in words_of(text).words if w not in MARKS | FUNCTION_WORDS)


def close(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a | b) and len(a & b) / len(a | b) >= TOO_CLOSE


def near_any(a: frozenset[str], others: list[frozenset[str]]) -> bool:
    return any(close(a, b) for b in others)


def test_the_blind_parts_are_never_trained_on():
    trained = {p.name.split(".")[1] for p in model.training_files()}
    assert trained.isdisjoint(BLIND)
    assert trained.isdisjoint(EVERYDAY_PARTS)
    assert {"tuned", "broad", "chat", *FOLDED} <= trained


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_trained_sentence_is_a_blind_one_reworded(lang):
    blind = {
        part: [bag(s) for texts in corpus(lang, part).values() for s in texts]
        for part in (*BLIND, *FOLDED, *EVERYDAY_PARTS)  # `broad`: v5 and v6, blind when written
    }
    newer = [p for p in dict.fromkeys((*model.TRAINED_PARTS, *CHAT_PARTS)) if p not in OLDER_PARTS]
    near = [
        text
        for part in newer
        for texts in corpus(lang, part).values()
        for text in texts
        if near_any(bag(text), [b for seen in blind_parts_for(part) for b in blind[seen]])
    ]
    assert near == [], "trained sentences too close to a blind or everyday one"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_older_trained_sentences_close_to_a_blind_one_are_no_more_than_counted(lang):
    for blind_part in BLIND:
        blind = [bag(s) for texts in corpus(lang, blind_part).values() for s in texts]
        found = {
            part: sum(
                near_any(bag(text), blind)
                for texts in corpus(lang, part).values()
                for text in texts
            )
            for part in OLDER_PARTS
        }
        counted = NEAR_IN_OLDER_PARTS[(lang, blind_part)]
        assert {p: n for p, n in found.items() if n} == counted, (lang, blind_part)


def test_the_closeness_check_can_fail():
    assert close(bag("he hits me when he drinks"), bag("He hits me when he drinks!"))
    assert close(bag("kocam beni dövüyor"), bag("Kocam dövüyor beni."))
    assert not close(bag("he hits me"), bag("we argue about money a lot"))
    assert CORPUS.is_dir()
