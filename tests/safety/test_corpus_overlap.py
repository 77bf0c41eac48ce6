"""The parts the classifier learns from never hold a sentence of the parts that measure it.

The blind parts (`blind5`, `blind6`) are the honest figures only while nothing like their
sentences is trained on. The same people write both, so a sentence of a trained part that
shares most of its words with a blind one (by the folded words the screen reads) would make
the blind figure a tuned one: such a sentence is dropped from the trained part.
"""

from __future__ import annotations

import pytest

from bot.safety import model
from bot.safety.words import MARKS, words_of
from tests.safety.recognition import CORPUS, LANGUAGES, corpus

BLIND = ("blind5", "blind6", "blind7", "blind8", "blind9")
TOO_CLOSE = 0.6
"""Share of content words in common (Jaccard) at which two sentences count as the same one."""
OLDER_PARTS = ("tuned", "heldout", "fresh")
"""Trained parts written before blind6: not checked. (62 English and 43 Turkish sentences of
theirs are this close to a blind6 one, common disclosures said the same way, so blind6's
figure is flattered by them: the README also gives blind6 without its sentences close to any
trained one.)"""
CHECKED_AGAINST = {"broad": ("blind5", "blind6")}
"""The blind parts a trained part must stay clear of, when not all of them: `broad` was written
after blind6 and before blind7. Two of its sentences are this close to a blind7 one by
coincidence ("he keeps turning up at my kids school", "i'm afraid we're drifting apart"), so
blind7's figure is flattered by at most those two. Any trained part added later is checked
against every blind part."""


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


def test_the_blind_parts_are_never_trained_on():
    trained = {p.name.split(".")[1] for p in model.training_files()}
    assert trained.isdisjoint(BLIND)
    assert {"tuned", "broad"} <= trained


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_trained_sentence_is_a_blind_one_reworded(lang):
    blind = {
        part: [bag(s) for texts in corpus(lang, part).values() for s in texts] for part in BLIND
    }
    newer = [p for p in model.TRAINED_PARTS if p not in OLDER_PARTS]
    near = [
        text
        for part in newer
        for texts in corpus(lang, part).values()
        for text in texts
        if any(close(bag(text), b) for seen in blind_parts_for(part) for b in blind[seen])
    ]
    assert near == [], "trained sentences too close to a blind one"


def test_the_closeness_check_can_fail():
    assert close(bag("he hits me when he drinks"), bag("He hits me when he drinks!"))
    assert close(bag("kocam beni dövüyor"), bag("Kocam dövüyor beni."))
    assert not close(bag("he hits me"), bag("we argue about money a lot"))
    assert CORPUS.is_dir()
