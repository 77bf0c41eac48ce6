"""The repair builder's hostility check, measured: hostile sentences flagged, gentle ones not.

"Flagged" means refused (`hostility`) or offered a calmer wording ("you always /
you never", `istatements`): either way, the words are never sent as a gentle start.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cooldown import istatements
from bot.cooldown.hostility import HOSTILITY_DIR, KINDS, hostile, load

CORPUS = Path(__file__).parent / "hostility"
MIN_FLAGGED = 0.95
MAX_GENTLE_FLAGGED = 0.05


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


@pytest.mark.parametrize("path", sorted(HOSTILITY_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_each_list_loads_with_known_kinds(path):
    lists = load(path)
    assert {p.category for p in lists.phrases.phrases} <= set(KINDS)


HELD_OUT_FLOOR = {"flagged": 0.5, "gentle_flagged": 0.0}
"""Measured once before any tuning on `heldout.yaml`: 15/30 hostile flagged (en 9/15, tr 6/15)
and 0/30 gentle flagged. Lists cannot know every insult; the floor guards against losing ground."""


def test_the_held_out_part_does_not_get_worse():
    data = yaml.safe_load((CORPUS / "heldout.yaml").read_text(encoding="utf-8"))
    hostile_all = [(s, lang) for lang, part in data.items() for s in part["hostile"]]
    gentle_all = [(s, lang) for lang, part in data.items() for s in part["gentle"]]
    caught = sum(flagged(s, lang) for s, lang in hostile_all) / len(hostile_all)
    wrong = sum(flagged(s, lang) for s, lang in gentle_all) / len(gentle_all)
    assert caught >= HELD_OUT_FLOOR["flagged"]
    assert wrong <= HELD_OUT_FLOOR["gentle_flagged"]
