"""The classifier that backs up the phrase lists (bot/safety/model.py)."""

from __future__ import annotations

import json

import pytest

from bot.safety import model
from bot.safety.screen import default_detector, load_detector
from bot.safety.words import words_of
from tests.safety.recognition import BLIND


@pytest.mark.slow
def test_the_shipped_weights_are_the_tuned_corpus_trained_again():
    """Nobody hand-edits a weight, and a corpus or dialog change without retraining is
    caught: `python -m bot.safety.model` rewrites the file from the measured corpus parts
    and the coach's own dialog texts (as ordinary text) only, never the newest part."""
    shipped = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    paths = model.training_files()
    assert shipped["corpus_sha256"] == model.corpus_sha256(paths, model.ordinary_texts())
    assert len(paths) == 2 * len(model.TRAINED_PARTS), "every trained part in both languages"
    assert not any(f".{part}." in p.name for p in paths for part in BLIND), "blind parts stay out"
    assert json.loads(model.train_on_corpus().to_json()) == shipped


def test_the_model_finds_what_the_lists_do_not():
    lists_only = load_detector()
    for text, category in [
        ("he refuses to let me phone my sister", "control"),
        ("erkek arkadaşım beni her yerde izliyor", "stalking"),
    ]:
        assert category not in lists_only.check(text)
        assert category in default_detector().check(text)


@pytest.mark.parametrize(
    "text",
    ["he would never hurt me", "o bana asla zarar vermez", "he has never laid a hand on me"],
)
def test_a_negated_harm_word_is_not_a_signal_to_the_model(text):
    assert default_detector().model.signals(words_of(text)) == set()


def test_the_lists_excuses_reach_the_model_sentence_by_sentence():
    """An idiom or a past told as past excuses its own sentence, never the next one,
    and the past never excuses self-harm."""
    detector = default_detector()
    text = "he refuses to let me phone my sister"
    past = f"years ago {text}"
    assert "control" in detector.check(text)
    assert "control" not in detector.check(past)
    assert "control" in detector.check(f"{past}. {text}")
    words = words_of("years ago. I want to die")
    excused = detector._excuse(words)
    assert not excused(1, "self_harm")


def test_a_long_text_is_scored_sentence_by_sentence():
    """Weight cannot pile up over a long message: many gentle sentences stay gentle."""
    text = "We talked about money and his mother and the kids. " * 200
    assert default_detector().check(text) == frozenset()
    assert len(list(model.sentences(words_of(text)))) == 200


@pytest.mark.parametrize(
    "text",
    [
        "time to talk tonight",
        "We want to argue less",
        "I miss our walks",
        "Bu akşam konuşmak için zaman",
        "Atlantis",
        "A question you both answer: what's one kind of everyday, non-sexual touch you like?",
        # "myself" is who, not what happened: the e2e couple's answer once read as self-harm
        "My secret worry about money that I keep to myself",
        "I keep it to myself",
        "I take care of myself",
        "I bought myself a coat",
        "Kendime sakladığım bir para endişem var",
        "Kendime iyi bakıyorum",
    ],
)
def test_ordinary_answers_are_not_signals(text):
    """The model once read "time to talk tonight" as self-harm ("tonight" is frequent in
    the corpus's plans): a sentence with no word of harm is not scored, and the coach's
    own dialog texts are trained on as ordinary talk. "Atlantis" (typed as a country) once
    read as self-harm: its beginning "atla" was in the class of jumping (Turkish "atlamak");
    the class now lists the verb's forms."""
    assert default_detector().check(text) == frozenset()


def test_a_sentence_without_a_word_of_harm_is_not_scored():
    """Even a model that has learnt to lean on one word is not asked about a sentence
    with no harm concept in it, negated or not; a negated one is still asked."""
    leaning = model.Model({"self_harm": {"w:tonight": 10.0}}, "toy", model.load_concepts())
    assert leaning.signals(words_of("time to talk tonight")) == set()
    assert leaning.signals(words_of("I want to die tonight")) == {"self_harm"}
    assert leaning.signals(words_of("I don't feel safe tonight")) == {"self_harm"}


def test_the_word_classes_are_read_beside_the_weights_in_the_data_directory(tmp_path):
    """The classes belong to the weights: both come from the configured data directory,
    so the model that check-content validated is the model that runs."""
    import shutil

    from bot.config import PROJECT_ROOT
    from bot.safety.data import SIGNALS

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns("*.db*"))
    concepts = data / "safety" / "model" / "concepts.yaml"
    concepts.write_text(concepts.read_text(encoding="utf-8") + "zebra: [quokka]\n", "utf-8")
    loaded = SIGNALS.load(data, ("en", "tr"))
    assert loaded.model is not None and loaded.model.concepts.of("quokka") == ("zebra",)
    assert default_detector().model.concepts.of("quokka") == ()
