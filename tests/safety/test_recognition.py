"""Recognition, measured: recall per category and false alarms on the labelled corpus.

The thresholds hold on the tuned part, sentence by sentence. The held-out part
was never tuned on; its figures are printed at the end of the run (see
`conftest.py`) and guarded only against getting worse than measured, because
a phrase list is known to do much worse on sentences it was not fitted to.
"""

from __future__ import annotations

import pytest

from bot.safety.screen import CATEGORIES, default_detector
from tests.safety.recognition import LANGUAGES, NEGATIVE, corpus, pooled, scores_by

MIN_RECALL = 0.97
MAX_FALSE_ALARMS = 0.02
HELD_OUT_FLOOR = {"recall": 0.74, "false_alarms": 0.10}
"""What the held-out part (v3) measured before any tuning on it: 107/144 recalled, 8/80
false alarms (tests/safety/corpus/README.md has every measurement)."""


@pytest.fixture(scope="module")
def tables():
    return scores_by(default_detector())


def test_the_corpus_is_big_enough_and_covers_every_category():
    total = 0
    for lang in LANGUAGES:
        sentences = corpus(lang, "tuned")
        assert set(sentences) == {*CATEGORIES, NEGATIVE} - {"abuse"}
        assert all(len(s) >= 20 for s in sentences.values())
        total += sum(len(s) for s in sentences.values())
        total += sum(len(s) for s in corpus(lang, "heldout").values())
    assert total >= 400


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("category", [c for c in CATEGORIES if c != "abuse"])
def test_recall_on_the_tuned_part(tables, lang, category):
    score = tables[(lang, "tuned")][category]
    assert score.rate >= MIN_RECALL, f"missed: {score.wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_false_alarms_on_the_tuned_part(tables, lang):
    score = tables[(lang, "tuned")][NEGATIVE]
    assert 1 - score.rate <= MAX_FALSE_ALARMS, f"false alarms: {score.wrong}"


def test_the_held_out_part_does_not_get_worse(tables):
    held = pooled(tables, "heldout")
    positives = [s for label, s in held.items() if label != NEGATIVE]
    recall = sum(s.right for s in positives) / sum(s.total for s in positives)
    false_alarms = 1 - held[NEGATIVE].rate
    assert recall >= HELD_OUT_FLOOR["recall"]
    assert false_alarms <= HELD_OUT_FLOOR["false_alarms"]
