"""Recognition, measured: recall per category and false alarms on the labelled corpus.

Four parts per language (tests/safety/corpus/README.md): `tuned` (what the phrase
lists and the classifier were fitted to), `heldout` (v3, measured before the lists
were broadened on it), `fresh` (v4, written blind before the recogniser was read,
never tuned on) and `blind5` (v5, written after everything here was built). The
tables of all four are printed at the end of the run (`conftest.py`), with the share
of signals that get the answer their category needs ("right answer").

The issue's thresholds (≥ 97 % recall on every category, ≤ 2 % false alarms) hold
on the tuned part and are asserted there. They do NOT hold on the held-out parts,
and so not on the combined corpus either: the figures reached honestly are
asserted instead, so they cannot silently get worse, with each figure in a comment.
"""

from __future__ import annotations

import pytest

from bot.safety.screen import CATEGORIES, default_detector
from tests.safety.recognition import (
    ANSWER,
    LANGUAGES,
    NEGATIVE,
    PARTS,
    Score,
    corpus,
    pooled,
    scores_by,
)

MIN_RECALL = 0.97
MAX_FALSE_ALARMS = 0.02
SCORED = [c for c in CATEGORIES if c != "abuse"]

HELD_OUT_FLOOR = {
    # v3 (8 per category and language) and v4 (27) were each measured once before the
    # classifier was trained on them (then v3: 124/144 = 86.1 %, 8/80 false alarms; v4:
    # 418/486 = 86.0 %, 21/220 = 9.5 %). Now part of its training, they are guarded here
    # only against getting worse: v3 141/144, 8/80; v4 475/486, 19/220.
    "heldout": {"recall": 0.97, "false_alarms": 0.10, "category": 0.93},
    "fresh": {"recall": 0.97, "false_alarms": 0.087, "category": 0.94},
    # v5, 15 per category and language, written after everything here was built and never
    # trained or tuned on: the honest figure. 216/270 = 80.0 % recalled (en 110/135, tr
    # 106/135), 10/100 = 10 % false alarms; weakest category self_harm_passive 18/30 = 60 %.
    # (Measured first with the classifier trained on the tuned part only: 206/270 = 76.3 %,
    # 12/100; v4's 86 % had been optimistic.)
    "blind5": {"recall": 0.80, "false_alarms": 0.10, "category": 0.6},
}
COMBINED_FLOOR = {"category": 0.90, "false_alarms": 0.05}
"""All parts together: every category ≥ 90.9 % (self_harm_passive 160/176), false alarms
37/750 = 4.9 %. Short of the issue's 97 % / 2 %, and flattered by the parts the classifier
was trained on: the blind part's 80 % / 10 % is the figure to trust."""


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


@pytest.mark.parametrize("part", ["heldout", "fresh", "blind5"])
def test_the_held_out_parts_stay_at_the_level_measured(tables, part):
    """Not the issue's thresholds: the level reached, so it can only go up."""
    held = pooled(tables, part)
    floor = HELD_OUT_FLOOR[part]
    positives = [s for label, s in held.items() if label not in (NEGATIVE, ANSWER)]
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
