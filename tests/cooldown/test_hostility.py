"""The repair builder's hostility check, measured: hostile sentences flagged, gentle ones not.

"Flagged" means refused (`hostility`) or offered a calmer wording ("you always /
you never", `istatements`): either way, the words are never sent as a gentle start.
"""

from __future__ import annotations

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
    "heldout": {"flagged": 0.63, "gentle_flagged": 0.0},
    # v2, written blind before the lists were read: 34/50 = 68 % flagged (en 18/25, tr
    # 16/25), 0/50 gentle; with the judgement rule: 40/50 = 80 % (en 19, tr 21), 0/50 gentle.
    # Short of the 95 %: the insults still missed are open-class words and idioms.
    "fresh": {"flagged": 0.80, "gentle_flagged": 0.0},
}


@pytest.mark.parametrize("part", ["heldout", "fresh"])
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
