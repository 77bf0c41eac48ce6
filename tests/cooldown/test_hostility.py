"""The repair builder's hostility check, measured: hostile sentences flagged, gentle ones not.

"Flagged" means refused (`hostility`) or offered a calmer wording ("you always /
you never", `istatements`): either way, the words are never sent as a gentle start.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.cooldown import hostility, istatements
from bot.cooldown.data import HOSTILITY, HOSTILITY_DIR
from bot.cooldown.hostility import KINDS, load

DATA = PROJECT_ROOT / "data"
LISTS = HOSTILITY.load(DATA, ("en", "tr"))
CORPUS = Path(__file__).parent / "hostility"
MIN_FLAGGED = 0.95
MAX_GENTLE_FLAGGED = 0.05


def hostile(text: str) -> str | None:
    return hostility.hostile(text, LISTS)


def flagged(text: str, lang: str) -> bool:
    return hostile(text) is not None or bool(istatements.spot(text, lang))


def sentences(lang: str) -> dict[str, list[str]]:
    return yaml.safe_load((CORPUS / f"{lang}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_the_labelled_set_is_big_enough(lang):
    data = sentences(lang)
    assert len(data["hostile"]) + len(data["gentle"]) >= 100
    assert len(data["hostile"]) >= 50 and len(data["gentle"]) >= 50


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_hostile_sentences_are_flagged(lang):
    missed = [s for s in sentences(lang)["hostile"] if not flagged(s, lang)]
    rate = 1 - len(missed) / len(sentences(lang)["hostile"])
    assert rate >= MIN_FLAGGED, f"{rate:.0%} flagged; missed: {missed}"


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_gentle_sentences_are_left_alone(lang):
    wrong = [s for s in sentences(lang)["gentle"] if flagged(s, lang)]
    rate = len(wrong) / len(sentences(lang)["gentle"])
    assert rate <= MAX_GENTLE_FLAGGED, f"{rate:.0%} flagged; {wrong}"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("You are so selfish and lazy", "label"),
        ("what's wrong with you", "contempt"),
        ("you idiot", "name_calling"),
        ("oh great, late again", "sarcasm"),
        ("thanks 🙄", "sarcasm"),
        ("Sen çok bencilsin", "label"),
        ("senin derdin ne", "contempt"),
    ],
)
def test_each_kind_is_named(text, kind):
    assert hostile(text) == kind


@pytest.mark.parametrize(
    "path", sorted((DATA / HOSTILITY_DIR).glob("*.yaml")), ids=lambda p: p.name
)
def test_each_list_loads_with_known_kinds(path):
    lists = load(path)
    assert {p.category for p in lists.phrases.phrases} <= set(KINDS)


HELD_OUT_FLOOR = {
    # v1: 15/30 hostile flagged (en 9/15, tr 6/15) before any tuning on it, 0/30 gentle;
    # with the "you are …" judgement rule: 19/30 = 63 % (en 11, tr 8), 0/30 gentle.
    # v2, written blind before the lists were read: 34/50 = 68 % flagged (en 18/25, tr
    # 16/25), 0/50 gentle; with the judgement rule: 40/50 = 80 % (en 19, tr 21), 0/50 gentle.
    # Both are now trained on by the classifier (bot/cooldown/hostility_model.py), so their
    # 30/30 and 50/50 say nothing about unseen sentences; guarded only against getting worse.
    "heldout": {"flagged": 1.0, "gentle_flagged": 0.0},
    "fresh": {"flagged": 1.0, "gentle_flagged": 0.0},
    # v3 ("blind3"), 25 hostile and 25 gentle per language, written before the classifier
    # existed and never trained on: the honest figure. Lists and the "you are" rule alone:
    # 29/50 = 58 % (en 12, tr 17), 0/50 gentle. With the classifier (threshold 0.7, chosen
    # by cross-validation before blind3 was measured): 45/50 = 90 % (en 22, tr 23), 0/50
    # gentle. Short of the 95 %.
    "blind3": {"flagged": 0.90, "gentle_flagged": 0.0},
    # v4 ("blind4"), 25 hostile and 25 gentle per language, written by someone who had not
    # read the check, its lists or its training data; measured once on main at 1eb14d0 before
    # anything was changed for it: 46/50 = 92 % flagged, 1/50 gentle flagged.
    "blind4": {"flagged": 0.92, "gentle_flagged": 0.02},
    # v6 ("blind6"), 25 hostile and 25 gentle per language, written with the safety corpus's
    # blind9 by someone who had not read the check, its lists, its training data or any earlier
    # blind part beyond blind5's format lines; measured once (counts only, no sentence read):
    # 41/50 = 82 % flagged (en 22/25, tr 19/25), 0/50 gentle flagged.
    "blind6": {"flagged": 0.82, "gentle_flagged": 0.0},
}


@pytest.mark.parametrize("part", ["heldout", "fresh", "blind3", "blind4", "blind6"])
def test_the_held_out_parts_do_not_get_worse(part):
    data = yaml.safe_load((CORPUS / f"{part}.yaml").read_text(encoding="utf-8"))
    hostile_all = [(s, lang) for lang, p in data.items() for s in p["hostile"]]
    gentle_all = [(s, lang) for lang, p in data.items() for s in p["gentle"]]
    caught = sum(flagged(s, lang) for s, lang in hostile_all) / len(hostile_all)
    wrong = sum(flagged(s, lang) for s, lang in gentle_all) / len(gentle_all)
    print(f"hostility {part}: {caught:.0%} of hostile flagged, {wrong:.0%} of gentle")
    assert caught >= HELD_OUT_FLOOR[part]["flagged"]
    assert wrong <= HELD_OUT_FLOOR[part]["gentle_flagged"]


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("you're a disgrace", True),
        ("honestly you are such a fraud", True),
        ("rezilsin", True),
        ("yalancının tekisin", True),
        ("you're right, I was late", False),
        ("you're home late on Fridays", False),
        ("you're working so much lately", False),
        ("haklısın", False),
        ("bana sormadan plan yapmışsın", False),
        ("neredesin", False),
        ("yardım eder misin", False),
    ],
)
def test_you_are_followed_by_a_judgement_is_a_label_whatever_the_word(text, judged):
    assert (hostile(text) == "label") is judged


def test_the_shipped_hostility_weights_are_the_labelled_sets_trained_again():
    """Nobody hand-edits a weight, and a set or dialog change without retraining is caught:
    `python -m bot.cooldown.hostility_model` rewrites the file; the blind set stays out."""
    import json

    from bot.cooldown import hostility_model

    shipped = json.loads(hostility_model.MODEL_PATH.read_text(encoding="utf-8"))
    paths = hostility_model.training_files()
    assert not any("blind" in p.name for p in paths)
    assert json.loads(hostility_model.train_on_corpus().to_json()) == shipped


@pytest.mark.parametrize(
    "text",
    ["you're a walking disaster", "who taught you to be so rude", "sen adam değilsin"],
)
def test_the_classifier_hears_what_the_lists_do_not(text):
    lists_only = tuple(replace(lists, model=None) for lists in LISTS)
    assert hostility.hostile(text, lists_only) is None
    assert hostility.hostile(text, LISTS) == hostility.HEARD


@pytest.mark.parametrize(
    "text",
    [
        "when you came home late I felt worried",
        "you're right, I was tired",
        "dün eve geç geldin, endişelendim",
        "could we talk about the weekend",
        "I love you and I'm hurt",
    ],
)
def test_gentle_words_pass_the_classifier_too(text):
    assert hostility.hostile(text, LISTS) is None


@pytest.mark.parametrize(
    "statement",
    [
        "When you came home late, I felt hurt. Who taught you to be so rude?",
        "When you never listen, I felt hurt. "
        "Could we stop pretending you are anything but a walking disaster?",
    ],
)
def test_the_builders_own_sentence_is_read_by_the_classifier(statement):
    lists_only = tuple(replace(lists, model=None) for lists in LISTS)
    assert hostility.hostile(statement, lists_only, built=True) is None, "no list hears it"
    assert hostility.hostile(statement, LISTS, built=True) == hostility.HEARD


@pytest.mark.parametrize(
    "statement",
    [
        "When you came home late yesterday without texting, I felt worried. "
        "Could we text each other when plans change?",
        "When the dishes last night, I felt hurt. Could we take turns with the dishes?",
        "When you don't listen to me, I felt lonely. "
        "Could we have ten minutes together without our phones?",
        "Dün akşam geç geldin — o an kendimi endişeli hissettim. "
        "Şunu deneyebilir miyiz: haber vermek?",
    ],
)
def test_a_gentle_built_sentence_passes_the_classifier(statement):
    assert hostility.hostile(statement, LISTS, built=True) is None
