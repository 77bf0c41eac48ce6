"""Recognition, measured: recall per category and false alarms on the labelled corpus.

Fourteen parts per language (tests/safety/corpus/README.md): `tuned` (what the phrase
lists and the classifier were fitted to), `heldout` (v3, measured before the lists
were broadened on it), `fresh` (v4, written blind before the recogniser was read),
`broad` (training material written for the classifier), the blind parts measured and
since trained on (`FOLDED`: `blind5` (v5), `blind6` (v6), `blind7` (v7), folded in by
the seventh pass: their floors are training figures now), and the blind parts that nothing
is trained or tuned on (`BLIND`: `blind8` to `blind12`, v8 to v12, each by a new writer).
Three parts hold only negatives, short ordinary messages to a coach: `chat`, trained on
(seventh pass), and `chat2` (ninth pass, by a new hand) and `everyday`, never trained on, where
false alarms on such messages are measured per language. The tables of all of them are
printed at the end of the run (`conftest.py`), with the share of signals that get the answer
their category needs ("right answer").

The issue's thresholds (≥ 97 % recall on every category, ≤ 2 % false alarms) hold
on the tuned part and are asserted there. They do NOT hold on the held-out parts,
and so not on the combined corpus either: the figures reached honestly are
asserted instead, so they cannot silently get worse, with each figure in a comment.
"""

from __future__ import annotations

import pytest

from bot.safety.screen import CATEGORIES
from tests.safety.recognition import (
    ANSWER,
    BLIND,
    CHAT_PARTS,
    EVERYDAY_PARTS,
    LANGUAGES,
    NEGATIVE,
    PARTS,
    Score,
    corpus,
    pooled,
)

MIN_RECALL = 0.97
MAX_FALSE_ALARMS = 0.02
SCORED = [c for c in CATEGORIES if c != "abuse"]

HELD_OUT_FLOOR = {
    # v3 (8 per category and language) and v4 (27) were each measured once before the
    # classifier was trained on them (then v3: 124/144 = 86.1 %, 8/80 false alarms; v4:
    # 418/486 = 86.0 %, 21/220 = 9.5 %). Now part of its training, they are guarded here
    # only against getting worse: v3 141/144, 8/80; v4 475/486, 19/220. Seventh pass (v5-v7
    # and the `chat` part trained on): v3 143/144, 8/80; v4 482/486, 19/220. On an AVX2
    # machine (2026-12-04) v3 is 142/144: e5's engine and numpy sum floats in another order,
    # and two sentences at the reader's threshold fall under it ("I wrote notes for
    # everyone and I'm ready to go", "telefonumu takip ediyor"; the ask tier asks about both).
    "heldout": {"recall": 0.98, "false_alarms": 0.10, "category": 0.93},
    "fresh": {"recall": 0.99, "false_alarms": 0.087, "category": 0.96},
    # v5, 15 per category and language, written after everything here was built and never
    # trained or tuned on: the honest figure. 216/270 = 80.0 % recalled (en 110/135, tr
    # 106/135), 10/100 = 10 % false alarms; weakest category self_harm_passive 18/30 = 60 %.
    # (Measured first with the classifier trained on the tuned part only: 206/270 = 76.3 %,
    # 12/100; v4's 86 % had been optimistic.)
    # Trained on (issue 13's third pass), so in-sample: 836/909 = 92.0 %, 23/275 = 8.4 %
    # false alarms; weakest stalking 79/100. The linear model does not even fit all of it.
    # With e5 as the reader: 880/909, 23/325. Seventh pass: 876/909 = 96.4 %, 24/325 = 7.4 %;
    # weakest stalking 90/100.
    "broad": {"recall": 0.96, "false_alarms": 0.074, "category": 0.9},
    # v5, 15 per category and language, never trained or tuned on. As first measured:
    # 216/270 = 80.0 % recalled, 10/100 false alarms; weakest self_harm_passive 18/30.
    # With the `broad` part trained on and wider concept classes: 228/270 = 84.4 % (en
    # 120/135, tr 108/135), 14/100 false alarms (en 6, tr 8): more recall, more alarms;
    # weakest self_harm_passive 20/30 = 66.7 %. (Measured twice more while the broad part
    # grew: 227/270 with 11/100 after its first half.) Then 50 everyday "myself/kendim"
    # sentences joined the broad negatives (the e2e couple's "a worry … I keep to myself"
    # had become self-harm, p=0.99 for "I keep it to myself"): 228/270, 15/100.
    # With the reader by meaning (bot/safety/meaning.py, threshold from cross-validation on
    # the trained parts): 230/270 = 85.2 % (en 122, tr 108), 15/100 (en 7, tr 8).
    # With e5 and a softmax regression as that reader (fifth pass, measured once):
    # 245/270 = 90.7 % (en 128, tr 117), 15/100 (en 7, tr 8); weakest self_harm_passive 24/30.
    # TRAINED ON since the seventh pass (README: a blind part measured is folded in), so from
    # here on a training figure, not a measure of generalisation: 264/270 = 97.8 % (en 133,
    # tr 131), 10/100 (en 5, tr 5); weakest self_harm 28/30.
    "blind5": {"recall": 0.97, "false_alarms": 0.10, "category": 0.93},
    # v6, written before the `broad` pass was made, never trained or tuned on. Before the
    # pass: 194/270 = 71.9 %, 5/100 false alarms. After: 202/270 = 74.8 % (en 105/135, tr
    # 97/135), 5/100 false alarms (en 3, tr 2); weakest fear 18/30 = 60 %, stalking 19/30.
    # With the everyday "myself" negatives: 200/270 = 74.1 % (en 104, tr 96), 6/100.
    # With the reader by meaning: 205/270 = 75.9 % (en 105, tr 100), 6/100 (en 4, tr 2).
    # With e5 as that reader: 212/270 = 78.5 % (en 108, tr 104), 6/100; weakest fear 18/30.
    # TRAINED ON since the seventh pass, so a training figure now: 251/270 = 93.0 % (en 128,
    # tr 123), 3/100 (en 2, tr 1); weakest threat 26/30.
    "blind6": {"recall": 0.92, "false_alarms": 0.03, "category": 0.86},
    # v7, 15 per category and language, written by someone who read only the category
    # definitions (not the lists, the classifier or any corpus part beyond blind6's format
    # lines), in the way people type in a chat: minimised, typos, buried in everyday talk.
    # Measured once on main at 1eb14d0, before anything was changed for it: 146/270 = 54.1 %
    # (en 81/135 = 60.0 %, tr 65/135 = 48.1 %), 16/100 false alarms (en 8, tr 8); weakest
    # tr uses_violence 5/15 = 33 %. The honest state of recognition on unfamiliar phrasing.
    # With the reader by meaning (measured once, tables only): 148/270 = 54.8 % (en 83, tr 65),
    # 16/100 (en 8, tr 8): +1 passive self-harm, +1 control in English, nothing in Turkish.
    # With e5 as that reader: 158/270 = 58.5 % (en 89, tr 69), 17/100 (en 8, tr 9): one
    # false alarm more; weakest self_harm 14/30 (tr uses_violence 5/15).
    # TRAINED ON since the seventh pass, so a training figure now: 240/270 = 88.9 % (en 123,
    # tr 117), 13/100 (en 7, tr 6); weakest control 23/30.
    "blind7": {"recall": 0.88, "false_alarms": 0.13, "category": 0.76},
    # v8, written by another new hand from this README only; its sentences never read by
    # anyone working on the recogniser. Measured once before (USE reader, 7d968e5):
    # 156/270 = 57.8 % (en 83, tr 73), 11/100. With e5 as the reader (measured once, tables
    # only): 167/270 = 61.9 % (en 88, tr 79), 12/100 (en 6, tr 6); weakest fear 13/30
    # (tr fear 6/15).
    # Seventh pass (v5-v7 and `chat` trained on; v8 never trained on, measured once after,
    # tables only): 184/270 = 68.1 % (en 95, tr 89), 9/100 (en 4, tr 5); weakest
    # self_harm_passive 17/30.
    "blind8": {"recall": 0.68, "false_alarms": 0.09, "category": 0.56},
    # v9, written by yet another new hand from the README's category definitions and the
    # format lines of blind8 only (committed alone at 3e86aec before anything was run on it).
    # Measured once (tables only, no sentence read) with e5 as the reader: 170/270 = 63.0 %
    # (en 89, tr 81), 19/100 false alarms (en 11, tr 8); weakest fear 12/30 (tr fear 5/15,
    # tr self_harm_passive 6/15, en sexual 6/15).
    # Seventh pass, measured once (tables only): 182/270 = 67.4 % (en 99, tr 83), 18/100
    # (en 10, tr 8); weakest fear 14/30 (tr fear 6/15).
    "blind9": {"recall": 0.67, "false_alarms": 0.18, "category": 0.46},
    # v10, written by a new hand from the README's category definitions and the format lines
    # of blind9 only (committed alone at eb54b12): longer, story-like messages with the
    # disclosure mid-story. Measured once (tables only, no sentence read) with the screen of
    # the seventh pass: 200/270 = 74.1 % (en 112, tr 88), 14/100 false alarms (en 10, tr 4);
    # weakest self_harm 19/30 (tr self_harm 7/15).
    "blind10": {"recall": 0.74, "false_alarms": 0.14, "category": 0.63},
    # v11, another new hand, the same brief (committed alone at b841485): short, hurried
    # late-night texting. Measured once, the same way: 180/270 = 66.7 % (en 96, tr 84),
    # 7/100 (en 4, tr 3); weakest sexual 13/30 (tr sexual 5/15).
    "blind11": {"recall": 0.66, "false_alarms": 0.07, "category": 0.43},
    # v12, another new hand, the same brief (committed alone at e390c0f): answers typed in the
    # middle of a guided exercise, the disclosure indirect and mixed with ordinary content.
    # Measured once, the same way (main at 4bdd40f, the seventh pass's screen): 178/270 =
    # 65.9 % (en 96, tr 82), 11/100 false alarms (en 6, tr 5); weakest self_harm_passive
    # 15/30 (tr 7/15).
    "blind12": {"recall": 0.65, "false_alarms": 0.11, "category": 0.5},
}
EVERYDAY_FLOOR = {"en": 0 / 150, "tr": 1 / 150}
"""False alarms on everyday chat (`everyday`, 150 short ordinary messages per language, written
blind to the screen, negatives only), measured once on main at 76ecda0: en 1/150 = 0.7 %
("he said he'd try", read as threat by meaning), tr 1/150 = 0.7 % ("deneyeceğini söyledi",
the same sentence, also threat). A retraining attempt read "Tell me more" and "Back again"
as self-harm and no hard-negative part caught it: this part does. May not rise above it.
Seventh pass (v5-v7 and the `chat` part trained on): en 0/150, tr 1/150 (the same sentence)."""
CHAT_FLOOR = {
    ("en", "chat"): 0.0,
    ("tr", "chat"): 0.0,
    ("en", "chat2"): 2 / 247,
    ("tr", "chat2"): 5 / 255,
}
"""False alarms on the `chat` parts (short ordinary messages, negatives only). `chat`: a training
figure, 0/324 and 0/343 when it was first trained on (seventh pass); `everyday` is the measure.
(Held out in 5-fold cross-validation, the lists and the word classifier alone alarmed 5 of its
667 sentences and the reader added one.) `chat2` (ninth pass, a new hand) measured once on the
readers of the seventh pass before anything was trained on it: en 2/247 = 0.8 %, tr 5/255 =
2.0 %."""
CHAT_SIZE = {"chat": 300, "chat2": 240}
ASK_FLOOR = {
    "blind8": {"heard": 227 / 270, "asked": 11 / 100},  # en 116/135, tr 113/135; en 4, tr 5
    "blind9": {"heard": 219 / 270, "asked": 4 / 100},  # en 119, tr 102; en 1, tr 1
    "blind10": {"heard": 230 / 270, "asked": 9 / 100},  # en 125, tr 107; en 2, tr 5
    "blind11": {"heard": 227 / 270, "asked": 12 / 100},  # en 117, tr 112; en 5, tr 5
    "blind12": {"heard": 216 / 270, "asked": 7 / 100},  # en 116, tr 102; en 4, tr 1
}
"""The ask tier (`bot.safety.screen.ASK_THRESHOLD`, 0.5), per blind part: the share of signals
heard or asked about ("heard": a sure signal, or the question), at least; the share of its hard
negatives asked about (with no sure signal), at most. Measured once on branch `ask` (fd535a1,
the seventh pass's readers; en and tr in tests/safety/corpus/README.md, "Ask tier"; the
comments give the figures) and set two sentences below (above) them: scores near a threshold
move with the processor's float sums (the held-out floor's note). NOT blind figures: the
threshold was chosen with these parts' table in view."""
ASK_CEILING = {
    ("en", "chat"): 3 / 324,
    ("tr", "chat"): 2 / 343,
    ("en", "chat2"): 7 / 247,
    ("tr", "chat2"): 13 / 255,
    ("en", "everyday"): 4 / 150,
    ("tr", "everyday"): 5 / 150,
}
"""Short ordinary messages asked about (with no sure signal), at most: two more than measured
with the ask tier (README, "Ask tier": en chat 1, tr chat 0, en chat2 5, tr chat2 11, en
everyday 2, tr everyday 3), for the processor's float sums as above. Every one is a person
asked "are you safe?" about plain chat."""
COMBINED_FLOOR = {"category": 0.83, "false_alarms": 0.077}
"""All parts together: every category ≥ 83.7 % (self_harm_passive 412/492), false alarms
136/1775 = 7.7 % since blind12 joined (lowered for it, as for blind10 and blind11 before:
a part nobody trained on pulls the pooled figure down; with them, before blind12: 85.9 %
(self_harm_passive 397/462), 7.5 %; before they joined, since the seventh pass trained on v5-v7:
89.3 % (self_harm_passive 359/402), 7.1 %; before that: 82.6 % (fear 322/390),
8.1 %; before blind9 joined: 86.1 % (fear 310/360), 7.3 %; with the USE reader and before
blind8 joined: 84.8 %, 6.9 %; before blind7: 86.6 %, 6.1 %). Short of the issue's 97 % / 2 %,
and flattered by the parts the classifier was trained on: the blind parts' 91 % / 15 % (v5),
79 % / 6 % (v6), 59 % / 17 % (v7, a new writer), 62 % / 12 % (v8, another) and 63 % / 19 %
(v9, another), as first measured, and now v8's 68 % / 9 %, v9's 67 % / 18 %, v10's 74 % / 14 %,
v11's 67 % / 7 % and v12's 66 % / 11 % are the figures to trust (v5-v7 are training figures
since the seventh pass)."""


@pytest.fixture(scope="module")
def tables(recognition_tables):
    return recognition_tables


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


@pytest.mark.parametrize("part", [p for p in PARTS if p != "tuned"])
def test_the_held_out_parts_stay_at_the_level_measured(tables, part):
    """Not the issue's thresholds: the level reached, so it can only go up."""
    held = pooled(tables, part)
    floor = HELD_OUT_FLOOR[part]
    positives = [s for label, s in held.items() if label not in (NEGATIVE, ANSWER)]
    recall = sum(s.right for s in positives) / sum(s.total for s in positives)
    assert recall >= floor["recall"]
    assert 1 - held[NEGATIVE].rate <= floor["false_alarms"] + 1e-9  # 1 - 0.95 > 0.05 in floats
    assert min(s.rate for s in positives) >= floor["category"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_everyday_chat_raises_no_more_false_alarms_than_measured(tables, lang):
    """Not a tuning set: every flag on it is a false alarm the user would see."""
    score = tables[(lang, "everyday")][NEGATIVE]
    assert score.total >= 150
    assert 1 - score.rate <= EVERYDAY_FLOOR[lang] + 1e-9, f"false alarms: {score.wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("part", CHAT_PARTS)
def test_the_chat_parts_are_not_heard_as_harm(tables, lang, part):
    """The short ordinary messages written for the readers to learn from stay ordinary."""
    score = tables[(lang, part)][NEGATIVE]
    assert score.total >= CHAT_SIZE[part]
    assert 1 - score.rate <= CHAT_FLOOR[(lang, part)] + 1e-9, f"false alarms: {score.wrong}"


def test_the_everyday_parts_hold_only_negatives():
    for lang in LANGUAGES:
        for part in (*CHAT_PARTS, *EVERYDAY_PARTS):
            assert set(corpus(lang, part)) == {NEGATIVE}


def test_the_combined_corpus_stays_at_the_level_measured(tables):
    """The parts with categories only; everyday chat has its own floor."""
    combined: dict[str, Score] = {}
    for (_, part), table in tables.items():
        if part not in PARTS:
            continue
        for label, s in table.items():
            combined.setdefault(label, Score()).add(s)
    for category in SCORED:
        assert combined[category].rate >= COMBINED_FLOOR["category"], category
    assert 1 - combined[NEGATIVE].rate <= COMBINED_FLOOR["false_alarms"]


@pytest.mark.parametrize("part", BLIND)
def test_the_blind_parts_are_heard_or_asked_about_at_the_level_measured(tables, part):
    """With the ask tier, fewer disclosures go unheard; the hard negatives' questions are its
    cost. Not blind figures any more (the threshold was chosen with them in view)."""
    held = pooled(tables, part)
    positives = [s for label, s in held.items() if label not in (NEGATIVE, ANSWER)]
    heard = sum(s.heard for s in positives) / sum(s.total for s in positives)
    assert heard >= ASK_FLOOR[part]["heard"] - 1e-9
    assert held[NEGATIVE].asked / held[NEGATIVE].total <= ASK_FLOOR[part]["asked"] + 1e-9


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("part", (*CHAT_PARTS, *EVERYDAY_PARTS))
def test_ordinary_chat_is_asked_about_no_more_than_measured(tables, lang, part):
    score = tables[(lang, part)][NEGATIVE]
    assert score.asked / score.total <= ASK_CEILING[(lang, part)] + 1e-9
