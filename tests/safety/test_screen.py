"""The safety word lists: true signals, negations and everyday idioms, in English and Turkish."""

from __future__ import annotations

import pytest
import yaml

from bot.safety.screen import CATEGORIES, SAFETY_DIR, default_detector, fold, load_language

CONCERNING = {
    # English
    "I want to kill myself": "suicide",
    "sometimes I just want to die": "suicide",
    "I'm thinking about suicide again": "suicide",
    "Everyone would be better off without me": "suicide",
    "I don't want to live anymore": "suicide",
    "I've been cutting myself": "self_harm",
    "i keep thinking about self-harm": "self_harm",
    "He hit me again last night": "violence",
    "she threatened to kill me": "violence",
    "I'm scared of him when he drinks": "violence",
    "I'm going to hurt her": "violence",
    "My husband is abusive": "abuse",
    "he forced me to have sex": "abuse",
    "He never thought I'd tell anyone, but he hits me": "violence",
    "I NEVER thought he would hit me": "violence",
    # Turkish, with and without Turkish letters
    "Kendimi öldürmek istiyorum": "suicide",
    "KENDİMİ ÖLDÜRECEĞİM": "suicide",
    "kendimi oldurmek istiyorum": "suicide",
    "Artık ölmek istiyorum": "suicide",
    "yaşamak istemiyorum": "suicide",
    "intihar etmeyi düşünüyorum": "suicide",
    "Kendimi öldürmem gerekiyor": "suicide",
    "kendime zarar veriyorum": "self_harm",
    "Beni dövüyor": "violence",
    "Dün bana vurdu": "violence",
    "ona zarar vereceğim": "violence",
    "evde şiddet görüyorum": "violence",
    "bana tecavüz etti": "abuse",
}

SAFE = [
    "I would never hurt her",
    "I would never ever hurt her",
    "He never hit me",
    "He has not hit me, he just yells",
    "I don't want to hurt myself",
    "I'm not suicidal, just tired",
    "This traffic is killing me",
    "I'm dying to see you",
    "We killed it at the party",
    "My phone died",
    "I love him so much",
    "We had a fight about money",
    "That joke was a hit",
    "Ona asla zarar vermem",
    "Kendimi öldürmeyi düşünmüyorum",
    "Kendime zarar vermem",
    "Beni hiç dövmedi",
    "Ölmek istemiyorum, sadece yorgunum",
    "Seni çok seviyorum",
    "Kavga ettik ama barıştık",
    "bugün çok yorgunum",
]


@pytest.mark.parametrize(("text", "category"), CONCERNING.items())
def test_signals_are_found(text, category):
    assert category in default_detector().check(text)


@pytest.mark.parametrize("text", SAFE)
def test_negations_and_idioms_are_not_signals(text):
    assert default_detector().check(text) == frozenset()


def test_a_later_clause_is_not_covered_by_an_earlier_negation():
    assert default_detector().check("I'm not angry. I want to die") == {"suicide"}


def test_folding_ignores_case_and_turkish_letters():
    assert fold("İNTİHAR Işık ŞÖĞÇÜ’") == "intihar isik sogcu'"


@pytest.mark.parametrize("path", sorted(SAFETY_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_each_list_loads_and_covers_every_category(path):
    language = load_language(path)
    assert set(language.categories) == set(CATEGORIES)
    assert all(language.categories.values())


def test_there_are_english_and_turkish_lists():
    assert {p.stem for p in SAFETY_DIR.glob("*.yaml")} >= {"en", "tr"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Honestly never. He never stops hitting me when he drinks.", "violence"),
        ("she won't stop hitting me", "violence"),
        ("he doesn't stop hitting me", "violence"),
        ("I don't think I can go on", "suicide"),
        ("nobody would care if I killed myself", "suicide"),
        ("I keep cutting", "self_harm"),
        ("Kocam beni dövmeyi bırakmıyor", "violence"),
    ],
)
def test_a_negated_stop_means_the_harm_goes_on(text: str, category: str) -> None:
    assert category in default_detector().check(text)


@pytest.mark.parametrize("path", sorted(SAFETY_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_phrase_is_found_in_its_own_words(path):
    """Each phrase, written out plainly, is a signal: the quick first look hides none."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    language = load_language(path)
    for category, phrases in raw["categories"].items():
        for phrase in phrases:
            plain = " ".join(word.replace("*", "") for word in str(phrase).split() if word != "~")
            assert language.openings is None or language.openings.any_in(fold(plain)), phrase
            assert category in language.signals(fold(plain)), phrase


def test_ordinary_messages_skip_the_phrase_patterns():
    language = load_language(SAFETY_DIR / "en.yaml")
    assert language.openings is not None
    assert not language.openings.any_in(fold("We keep missing each other in the evenings"))
    assert language.openings.any_in(fold("Some days I wish I could disappear"))
