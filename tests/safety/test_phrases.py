"""The phrase language of the safety lists, and the words it reads."""

from __future__ import annotations

import pytest

from bot.safety.phrases import PhraseIndex, expand, parse, parse_all, word_class
from bot.safety.words import HARD, SOFT, fold, words_of

CLASSES = {"partner": word_class(["husband", "wife", "gf*"])}


def matches(phrase: str, text: str) -> list[tuple[int, int]]:
    index = PhraseIndex.of(parse_all(phrase, "test", CLASSES))
    return [(m.start, m.end) for m in index.find(words_of(text))]


def test_folding_ignores_case_accents_and_turkish_i():
    assert fold("İNTİHAR Işık ŞÖĞÇÜ") == "intihar isik sogcu"
    assert words_of("Don’t, Ayşe'den!").words == ("dont", SOFT, "ayseden", HARD)


def test_but_and_ama_end_a_clause_like_a_comma():
    assert words_of("fine but sad").words == ("fine", SOFT, "sad")
    assert words_of("iyi ama üzgün").words == ("iyi", SOFT, "uzgun")


@pytest.mark.parametrize(
    ("phrase", "text", "hit"),
    [
        ("hit* me", "he hits me", True),
        ("dov*", "beni dövüyor", True),
        ("hit|slap* me", "she slapped me", True),
        ("my @partner hit me", "my gf2 hit me", True),
        ("hurt really? me", "hurt me", True),
        ("hurt really? me", "hurt really me", True),
        ("kill ~ me", "kill all of me", True),
        ("kill ~1 me", "kill all of me", False),
        ("end it $", "i want to end it, now", True),
        ("end it $", "i want to end it with him", False),
        ("[told him|said] no", "I told him no", True),
        ("[told him|said] no", "I said no", True),
        ("hit me", "hit. me", False),
        ("hit ~ me", "hit, then me", True),
        ("hit ~ me", "hit. Then me", False),
    ],
)
def test_phrase_syntax(phrase, text, hit):
    assert bool(matches(phrase, text)) is hit


def test_brackets_expand_into_every_run_of_words():
    assert expand("[a b|c|] d") == ["a b d", "c d", "d"]


def test_the_head_is_the_marked_word_and_the_rest_is_the_last_stems_suffix():
    phrase = parse("@partner ~2 ^dov*", "test", CLASSES)
    index = PhraseIndex.of([phrase])
    (match,) = index.find(words_of("wife beni dövmedi"))
    assert (match.head, match.rest) == (2, "medi")


@pytest.mark.parametrize("bad", ["~ hit", "hit ~", "? hit", "@nobody hit", "$ hit", "a/b"])
def test_malformed_phrases_are_refused(bad):
    with pytest.raises(ValueError):
        parse_all(bad, "test", CLASSES)


def test_a_suffix_class_reads_person_and_tense_from_a_turkish_ending():
    """`vur+o` is "he hit" in any tense, `vur+ben` "I hit": the ending decides, and a
    negative ending ("vurmadı") is neither."""
    import re

    suffixes = {
        "o": re.compile("[aeiu]?(?:[dt][iu]|[iu]?yor|[aeiu]r|[ae]c[ae]k|m[iu]s)(?:[dt][iu])?"),
        "ben": re.compile("[aeiu]?(?:[dt][iu]m|[iu]?yor[iu]m|[ae]c[ae][gk][iu]m)"),
    }
    he = PhraseIndex.of(parse_all("beni ~2 vur|dov+o", "test", CLASSES, suffixes))
    me = PhraseIndex.of(parse_all("onu ~2 vur|dov+ben", "test", CLASSES, suffixes))
    for text in ("beni dövdü", "beni vuruyor", "beni dövecek", "Beni hep dövüyordu"):
        assert list(he.find(words_of(text))), text
    for text in ("beni dövdüm", "beni dövmedi", "beni vurmaz", "beni dov"):
        assert not list(he.find(words_of(text))), text
    assert list(me.find(words_of("onu dövdüm")))
    assert not list(me.find(words_of("onu dövdü")))
    with pytest.raises(ValueError, match="unknown suffix"):
        parse("beni vur+nope", "test", CLASSES, suffixes)
