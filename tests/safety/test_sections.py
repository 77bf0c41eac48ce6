"""Each section of the phrase lists, specified by the sentences that depend on it.

`test_recognition.py` measures recall over hundreds of sentences, which a whole
section can go missing from without the totals moving much (mutation testing
found `negation`, `history` and `subjects` could each be dropped with every test
green). Here every section of data/safety/<language>.yaml has labelled sentences
whose answer it decides:

- `test_the_lists_answer_as_specified`: the shipped lists give the labelled answer,
  so deleting or breaking a section in the file fails a test;
- `test_each_sentence_depends_on_its_section`: with that section taken out of a
  copy of the file, the answer changes (or the file no longer loads), so the
  sentences really specify the section and not something else;
- `test_every_section_has_a_specification`: a section added later needs its own.

The lists alone are tested (`Detector` without the classifier), because the
sections configure the lists; `test_people_get_the_same_answer` checks the whole
detector (lists and classifier) gives people the same answer, with the few
known disagreements listed and explained.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import pytest
import yaml

from bot.safety.screen import SAFETY_DIR, Detector, default_detector, load_language

NONE: frozenset[str] = frozenset()

SPEC: list[tuple[str, str, str, frozenset[str]]] = [
    # --- English -------------------------------------------------------------------------
    ("en", "classes", "he hits me", frozenset({"violence"})),
    ("en", "categories.self_harm", "I want to kill myself", frozenset({"self_harm"})),
    (
        "en",
        "categories.self_harm_passive",
        "I don't want to wake up tomorrow",
        frozenset({"self_harm_passive"}),
    ),
    ("en", "categories.violence", "he pushed me against the wall", frozenset({"violence"})),
    ("en", "categories.sexual", "he made me have sex when I said no", frozenset({"sexual"})),
    ("en", "categories.threat", "he threatened me again", frozenset({"threat"})),
    ("en", "categories.fear", "I'm scared of my husband", frozenset({"fear"})),
    ("en", "categories.control", "he takes my whole salary", frozenset({"control"})),
    ("en", "categories.stalking", "my ex keeps following me everywhere", frozenset({"stalking"})),
    ("en", "categories.uses_violence", "I slapped my wife", frozenset({"uses_violence"})),
    ("en", "categories.abuse", "he keeps gaslighting me", frozenset({"abuse"})),
    # An idiom of the exceptions is not a blow.
    ("en", "exceptions", "he beat me at chess again", NONE),
    # A negation denies the harm it stands before ...
    ("en", "negation.before", "he would never hit me", NONE),
    ("en", "negation.before", "I would never kill myself", NONE),
    # ... reaching back over auxiliaries and adverbs ...
    ("en", "negation.between", "he would never ever hit me", NONE),
    ("en", "negation.between", "I don't want to hurt myself", NONE),
    # ... or raised above the subject of the clause it denies.
    ("en", "negation.raising", "I don't think he'd ever hit me, he's just loud", NONE),
    ("en", "negation.raising", "Don't think he'd ever hit me", NONE),
    # Violence told as history is not a signal ...
    ("en", "history.markers", "my ex hit me years ago", NONE),
    ("en", "history.markers", "he choked me years ago", NONE),
    # ... unless its clause says it goes on.
    (
        "en",
        "history.present",
        "he used to hit me and now he has started again",
        frozenset({"violence"}),
    ),
    # Who does it: a partner named nearest before the phrase ...
    ("en", "subjects.partners", "my boss yelled and my husband hit me", frozenset({"violence"})),
    # ... a pronoun stands for the partner ...
    ("en", "subjects.pronouns", "the kids were asleep and he hit me", frozenset({"violence"})),
    # ... unless it follows a verb of saying whose subject is someone else ...
    ("en", "subjects.reporting", "my sister said she'll kill me", NONE),
    # ... and someone or something else is not the partner.
    ("en", "subjects.others", "my toddler hits me when he's tired", NONE),
    # --- Turkish -------------------------------------------------------------------------
    ("tr", "classes", "kocam beni dövüyor", frozenset({"violence"})),
    # The suffix classes read person and tense: he hit (o), I hit (ben), I will (yaparım).
    ("tr", "suffixes.o", "kocam bana vurdu", frozenset({"violence"})),
    ("tr", "suffixes.ben", "kocama vurdum", frozenset({"uses_violence"})),
    ("tr", "suffixes.yaparim", "seni öldürürüm dedi", frozenset({"threat"})),
    ("tr", "categories.self_harm", "kendimi öldüreceğim", frozenset({"self_harm"})),
    (
        "tr",
        "categories.self_harm_passive",
        "keşke hiç doğmasaydım",
        frozenset({"self_harm_passive"}),
    ),
    ("tr", "categories.violence", "kocam beni duvara itti", frozenset({"violence"})),
    ("tr", "categories.sexual", "istemediğim halde benimle zorla birlikte oldu", None),
    ("tr", "categories.threat", "bıçakla beni tehdit etti", frozenset({"threat"})),
    ("tr", "categories.fear", "kocamdan korkuyorum", frozenset({"fear"})),
    ("tr", "categories.control", "telefonumu her gece kontrol ediyor", frozenset({"control"})),
    ("tr", "categories.stalking", "beni her yerde takip ediyor", frozenset({"stalking"})),
    ("tr", "categories.uses_violence", "karıma tokat attım", frozenset({"uses_violence"})),
    (
        "tr",
        "categories.abuse",
        "bana psikolojik şiddet uyguluyor",
        frozenset({"abuse", "violence"}),
    ),
    ("tr", "exceptions", "takımı kazanınca havaya yumruk attı", NONE),
    ("tr", "exceptions", "onu öldüresiye seviyorum", NONE),
    # The negative suffix on the verb itself denies it ...
    ("tr", "negation.suffixes", "Beni hiç dövmedi", NONE),
    # ... and so does a negative verb right after the phrase ...
    ("tr", "negation.after", "kendimi öldürmeyi düşünmüyorum", NONE),
    # ... reached over a few words (three) ...
    ("tr", "negation.after_reach", "intihar etmeyi hiç düşünmüyorum", NONE),
    # ... that may stand between ...
    ("tr", "negation.between", "intihar etmeyi düşünmüyorum", NONE),
    # ... but a denied "stop" means the harm goes on.
    ("tr", "negation.continuations", "Kocam beni dövmeyi bırakmıyor", frozenset({"violence"})),
    ("tr", "history.markers", "yıllar önce kocam beni dövdü", NONE),
    # The habitual past ("döverdi", he used to beat) tells history too ...
    ("tr", "history.suffixes", "kocam beni döverdi", NONE),
    # ... unless the clause says it goes on.
    (
        "tr",
        "history.present",
        "kocam eskiden beni döverdi ve hala dövüyor",
        frozenset({"violence"}),
    ),
    ("tr", "subjects.partners", "oğlum uyurken kocam beni dövdü", frozenset({"violence"})),
    ("tr", "subjects.others", "oğlum yorulunca bana vuruyor", NONE),
]

CLASSIFIER_DISAGREES = {
    # The classifier is not told about the habitual past (only the history markers
    # excuse its sentences), and hears "my husband used to beat me" as violence now.
    # A false alarm on an abuse disclosure, on the side the design prefers.
    "kocam beni döverdi": frozenset({"violence"}),
}
"""Sentences the whole detector answers differently from the lists, with the reason."""

LEAF_PARENTS = ("categories", "suffixes", "negation", "history", "subjects")
"""Sections whose entries are each a section of their own; `classes` and `exceptions`
are one section each (a class dropped makes the phrases using it fail to load)."""


@cache
def _raw(language: str) -> dict:
    return yaml.safe_load((SAFETY_DIR / f"{language}.yaml").read_text(encoding="utf-8"))


def _lists(path: Path) -> Detector:
    return Detector((load_language(path),))


def _without(language: str, section: str, directory: Path) -> Path:
    raw = copy.deepcopy(_raw(language))
    *parents, last = section.split(".")
    node = raw
    for parent in parents:
        node = node[parent]
    del node[last]
    path = directory / f"{language}.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _sections(language: str) -> set[str]:
    raw = _raw(language)
    found = set()
    for key, value in raw.items():
        if key in LEAF_PARENTS:
            found |= {f"{key}.{sub}" for sub in value}
        else:
            found.add(key)
    return found


def _id(case: tuple[str, str, str, frozenset[str] | None]) -> str:
    return f"{case[0]}-{case[1]}-{case[2][:30]}"


def _expected(case: tuple[str, str, str, frozenset[str] | None]) -> frozenset[str]:
    return case[3] if case[3] is not None else frozenset({case[1].split(".")[1]})


@pytest.mark.parametrize("case", SPEC, ids=_id)
def test_the_lists_answer_as_specified(case):
    language, _, text, _ = case
    assert _lists(SAFETY_DIR / f"{language}.yaml").check(text) == _expected(case)


@pytest.mark.parametrize("case", SPEC, ids=_id)
def test_each_sentence_depends_on_its_section(case, tmp_path: Path):
    language, section, text, _ = case
    try:
        detector = _lists(_without(language, section, tmp_path))
    except ValueError:
        return  # a class or suffix class dropped: the phrases using it no longer load
    assert detector.check(text) != _expected(case), f"{section} decides nothing here"


@pytest.mark.parametrize("language", ["en", "tr"])
def test_every_section_has_a_specification(language):
    specified = {section for lang, section, _, _ in SPEC if lang == language}
    assert _sections(language) == specified


@pytest.mark.parametrize("case", SPEC, ids=_id)
def test_people_get_the_same_answer(case):
    text = case[2]
    assert default_detector().check(text) == CLASSIFIER_DISAGREES.get(text, _expected(case))
