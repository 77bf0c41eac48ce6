"""Spotting "you always / you never" and proposing the complaint without them."""

from __future__ import annotations

import pytest

from bot.cooldown.istatements import as_clause, rewrite, spot


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("You never listen to me!", "You never"),
        ("I hate that you always interrupt me", "you always"),
        ("you're always on your phone", "you're always"),
        ("You are never home on time", "You are never"),
        ("you don't ever call", "you don't ever"),
        ("Every time you come home late I worry", "Every time you"),
        ("You constantly check your mail", "You constantly"),
    ],
)
def test_spots_english_generalisations(text: str, phrase: str) -> None:
    assert [g.phrase for g in spot(text, "en")] == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        "I feel alone when the dishes pile up",
        "the dishes last night",
        "I always wait for you at the door",  # about me, not a verdict on you
        "We never talk about money",
    ],
)
def test_leaves_english_without_generalisations_alone(text: str) -> None:
    assert spot(text, "en") == []
    assert rewrite(text, "en") is None


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("You never listen to me!", "you don't listen to me"),
        ("I hate that you always interrupt me.", "you interrupt me"),
        (
            "I'm tired. You never helped with the dishes!",
            "you didn't help with the dishes",
        ),
        ("You never cared about my family", "you didn't care about my family"),
        ("You never tried, and it hurts", "you didn't try"),
        ("you're always on your phone", "you're on your phone"),
        ("You are never home on time", "you aren't home on time"),
        ("you don't ever call", "you don't call"),
        ("You never do the dishes", "you don't do the dishes"),
        ("You never have time for me", "you don't have time for me"),
        ("You never ever listen", "you don't listen"),
    ],
)
def test_rewrites_english_into_one_situation(text: str, suggestion: str) -> None:
    assert rewrite(text, "en") == suggestion


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Sen beni hiç dinlemiyorsun!", "hiç"),
        ("Hep sözümü kesiyorsun.", "Hep"),
        ("Her zaman geç kalıyorsun", "Her zaman"),
        ("Hiçbir zaman beni anlamadın", "Hiçbir zaman"),
        ("Sürekli telefonla ilgileniyorsun", "Sürekli"),
        ("Asla yardım etmezsin", "Asla"),
    ],
)
def test_spots_turkish_generalisations(text: str, phrase: str) -> None:
    assert [g.phrase for g in spot(text, "tr")] == [phrase]


@pytest.mark.parametrize(
    "text",
    [
        "Bugün hep yorgundum",  # about me
        "Hep böyle oluyor",  # about things, not about you
        "Hiç değilse bir kere ara",  # "at least", not "never"
        "Dün akşam bulaşıkları yıkamadın",  # one moment: exactly what we want
    ],
)
def test_leaves_turkish_without_generalisations_alone(text: str) -> None:
    assert spot(text, "tr") == []
    assert rewrite(text, "tr") is None


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Sen beni hiç dinlemiyorsun!", "bazen beni dinlemiyorsun"),
        ("Hep sözümü kesiyorsun.", "bazen sözümü kesiyorsun"),
        ("Yoruldum. Her zaman geç kalıyorsun!", "bazen geç kalıyorsun"),
        ("İşten sonra hiç vaktin olmuyor", "bazen işten sonra vaktin olmuyor"),
    ],
)
def test_rewrites_turkish_absolutes_into_sometimes(text: str, suggestion: str) -> None:
    assert rewrite(text, "tr") == suggestion


@pytest.mark.parametrize(
    ("text", "lang", "clause"),
    [
        ("The dishes last night.", "en", "the dishes last night"),
        ("I was waiting alone!", "en", "I was waiting alone"),
        ("NASA plans", "en", "NASA plans"),
        ("  ten   minutes  ", "en", "ten minutes"),
        ("İşten sonraki akşamlar.", "tr", "işten sonraki akşamlar"),
    ],
)
def test_typed_words_are_fitted_into_a_sentence(text: str, lang: str, clause: str) -> None:
    assert as_clause(text, lang) == clause
