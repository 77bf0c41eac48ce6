"""Recognition, measured: recall per category and false alarms on the labelled corpus.

Three parts per language (tests/safety/corpus/README.md): `tuned` (what the phrase
lists and the classifier were fitted to), `heldout` (v3, measured before the lists
were broadened on it) and `fresh` (v4, written blind before the recogniser was
read, never tuned on). The tables of all three are printed at the end of the run
(`conftest.py`).

The issue's thresholds (≥ 97 % recall on every category, ≤ 2 % false alarms) hold
on the tuned part and are asserted there. They do NOT hold on the held-out parts,
and so not on the combined corpus either: the figures reached honestly are
asserted instead, so they cannot silently get worse, with each figure in a comment.
"""

from __future__ import annotations

import pytest

from bot.safety.screen import CATEGORIES, default_detector
from tests.safety.recognition import LANGUAGES, NEGATIVE, PARTS, Score, corpus, pooled, scores_by

MIN_RECALL = 0.97
MAX_FALSE_ALARMS = 0.02
SCORED = [c for c in CATEGORIES if c != "abuse"]

HELD_OUT_FLOOR = {
    # v3, 8 sentences per category and language: 124/144 = 86.1 % recalled, 8/80 = 10 %
    # false alarms, weakest category self_harm 10/16 = 62.5 % (before this pass: 107/144 =
    # 74.3 %, 8/80 = 10 %). v3's misses were read while improving the method (dev set).
    "heldout": {"recall": 0.861, "false_alarms": 0.10, "category": 0.62},
    # v4, 27 per category and language, never read for tuning: 418/486 = 86.0 % recalled,
    # 21/220 = 9.5 % false alarms; weakest category sexual 41/54 = 75.9 % (both languages).
    # Before this pass: 381/486 = 78.4 %, 19/220 = 8.6 %.
    "fresh": {"recall": 0.86, "false_alarms": 0.096, "category": 0.75},
}
COMBINED_FLOOR = {"category": 0.88, "false_alarms": 0.045}
"""All parts together: every category ≥ 88.4 % (self_harm_passive 129/146; violence best at
144/146 = 98.6 %), false alarms 29/650 = 4.5 %. Short of the issue's 97 % / 2 %."""


@pytest.fixture(scope="module")
def tables():
    return scores_by(default_detector())


def test_the_corpus_is_big_enough_and_covers_every_category():
    total = 0
    for lang in LANGUAGES:
        for part in PARTS:
            sentences = corpus(lang, part)
            assert set(sentences) == {*SCORED, NEGATIVE}
            total += sum(len(s) for s in sentences.values())
        assert all(len(s) >= 20 for s in corpus(lang, "tuned").values())
        assert all(len(s) >= 25 for s in corpus(lang, "fresh").values())
    assert total >= 400


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("category", SCORED)
def test_recall_on_the_tuned_part(tables, lang, category):
    score = tables[(lang, "tuned")][category]
    assert score.rate >= MIN_RECALL, f"missed: {score.wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_false_alarms_on_the_tuned_part(tables, lang):
    score = tables[(lang, "tuned")][NEGATIVE]
    assert 1 - score.rate <= MAX_FALSE_ALARMS, f"false alarms: {score.wrong}"


@pytest.mark.parametrize("part", ["heldout", "fresh"])
def test_the_held_out_parts_stay_at_the_level_measured(tables, part):
    """Not the issue's thresholds: the level reached, so it can only go up."""
    held = pooled(tables, part)
    floor = HELD_OUT_FLOOR[part]
    positives = [s for label, s in held.items() if label != NEGATIVE]
    recall = sum(s.right for s in positives) / sum(s.total for s in positives)
    assert recall >= floor["recall"]
    assert 1 - held[NEGATIVE].rate <= floor["false_alarms"]
    assert min(s.rate for s in positives) >= floor["category"]


def test_the_combined_corpus_stays_at_the_level_measured(tables):
    combined: dict[str, Score] = {}
    for table in tables.values():
        for label, s in table.items():
            combined.setdefault(label, Score()).add(s)
    for category in SCORED:
        assert combined[category].rate >= COMBINED_FLOOR["category"], category
    assert 1 - combined[NEGATIVE].rate <= COMBINED_FLOOR["false_alarms"]
