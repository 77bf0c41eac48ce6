"""Recall per category and false alarms of the safety screen on the labelled corpus.

With the ask tier (`bot.safety.screen.ASK_THRESHOLD`), read in the same pass: "heard or
asked", the signals that get an answer or at least the question, and "asked, ordinary",
the negatives with no signal that get the question.

`python -m tests.safety.recognition` prints the tables (tuned and held-out
parts, per language) and every sentence the screen gets wrong, with the
phrases it found: the loop for anyone improving `data/safety/*.yaml`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.safety.care import group_of
from bot.safety.screen import CATEGORIES, Detector, default_detector

CORPUS = Path(__file__).parent / "corpus"
LANGUAGES = ("en", "tr")
PARTS = (
    "tuned",
    "heldout",
    "fresh",
    "broad",
    "blind5",
    "blind6",
    "blind7",
    "blind8",
    "blind9",
    "blind10",
    "blind11",
    "blind12",
)
FOLDED = ("blind5", "blind6", "blind7")
"""Blind parts measured once and since trained on (tests/safety/corpus/README.md, seventh pass):
their figures now are training figures."""
BLIND = ("blind8", "blind9", "blind10", "blind11", "blind12")
"""Blind parts nothing is trained or tuned on: the honest figures."""
EVERYDAY_PARTS = ("everyday",)
"""Parts of negatives only: short ordinary messages people send a coach ("tell me more",
"back again"). They measure false alarms on everyday chat, where the other parts' negatives
are hard ones sharing words with disclosures; no category is scored on them."""
CHAT_PARTS = ("chat", "chat2")
"""Parts of negatives only written as training material: short ordinary messages to a coach,
so that the readers learn plain short chat is not harm. `chat` (seventh pass) is trained on and
its false alarms are training figures; `chat2` (ninth pass, a new hand: asking for ideas,
wanting rest or time alone, what the partner said he'd try) was measured once on the
seventh pass's readers and is not trained on (the ninth pass, which trained on it, was not
kept), so its figure is a second measure of short chat. `everyday` is the measure."""
ALL_PARTS = PARTS + CHAT_PARTS + EVERYDAY_PARTS
NEGATIVE = "negative"
ANSWER = "right answer"


def corpus(lang: str, part: str) -> dict[str, list[str]]:
    raw = yaml.safe_load((CORPUS / f"{lang}.{part}.yaml").read_text(encoding="utf-8"))
    return {label: [str(s) for s in sentences] for label, sentences in raw.items()}


@dataclass
class Score:
    """Counts for one label: how many sentences, how many the screen got right."""

    total: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    heard: int = 0
    """Sentences with a sure signal of any category, or a question asked (the ask tier,
    `bot.safety.screen.Reading.possible`): for a signal, not left unheard."""
    asked: int = 0
    """Sentences with no sure signal that get the question: for a negative, a question an
    ordinary message should not have raised."""

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, other: Score) -> None:
        self.total += other.total
        self.right += other.right
        self.wrong += other.wrong
        self.heard += other.heard
        self.asked += other.asked


def score(detector: Detector, sentences: dict[str, list[str]]) -> dict[str, Score]:
    """Per category: recalled sentences; for `negative`: sentences with no signal at all.

    `ANSWER` counts the signals that get the answer their category needs (`group_of`:
    self-harm, abuse, or someone who hurts), even when the category read is a
    neighbour ("I sleep with him because I'm afraid" read as fear, not sexual)."""
    scores: dict[str, Score] = {}
    answer = scores.setdefault(ANSWER, Score())
    for label, texts in sentences.items():
        s = scores.setdefault(label, Score())
        for text in texts:
            reading = detector.read(text)  # both tiers in one pass
            found = reading.sure
            asked = not found and bool(reading.possible)
            s.heard += bool(found) or asked
            s.asked += asked
            ok = not found if label == NEGATIVE else label in found
            s.total += 1
            s.right += ok
            if not ok:
                s.wrong.append(text)
            if label != NEGATIVE:
                answer.total += 1
                answer.right += bool(found) and group_of(found) == group_of(frozenset({label}))
    return scores


def scores_by(detector: Detector) -> dict[tuple[str, str], dict[str, Score]]:
    return {
        (lang, part): score(detector, corpus(lang, part))
        for lang in LANGUAGES
        for part in ALL_PARTS
    }


def pooled(tables: dict[tuple[str, str], dict[str, Score]], part: str) -> dict[str, Score]:
    total: dict[str, Score] = {}
    for (_, p), table in tables.items():
        if p == part:
            for label, s in table.items():
                total.setdefault(label, Score()).add(s)
    return total


def report(
    tables: dict[tuple[str, str], dict[str, Score]], parts: tuple[str, ...] = ALL_PARTS
) -> str:
    columns = [(lang, part) for part in parts for lang in LANGUAGES]
    head = f"{'recall':<18}" + "".join(f"{lang + ' ' + part:>16}" for lang, part in columns)
    lines = [head]
    for label in (*CATEGORIES, NEGATIVE):
        if not any(label in tables[c] for c in columns):
            continue
        cells = []
        for column in columns:
            s = tables[column].get(label)
            if s is None:
                cells.append(f"{'-':>16}")
            elif label == NEGATIVE:
                cells.append(f"{len(s.wrong):>5}/{s.total:<3} {100 * (1 - s.rate):5.1f}%")
            else:
                cells.append(f"{s.right:>5}/{s.total:<3} {100 * s.rate:5.1f}%")
        name = "false alarms" if label == NEGATIVE else label
        lines.append(f"{name:<18}" + "".join(cells))
    cells = []
    for column in columns:
        s = tables[column].get(ANSWER)
        cells.append(
            f"{s.right:>5}/{s.total:<3} {100 * s.rate:5.1f}%" if s and s.total else f"{'-':>16}"
        )
    lines.append(f"{'right answer':<18}" + "".join(cells))
    heard, asked = [], []
    for column in columns:
        signals = [s for label, s in tables[column].items() if label not in (NEGATIVE, ANSWER)]
        total = sum(s.total for s in signals)
        got = sum(s.heard for s in signals)
        heard.append(f"{got:>5}/{total:<3} {100 * got / total:5.1f}%" if total else f"{'-':>16}")
        negative = tables[column].get(NEGATIVE)
        if negative is None or not negative.total:
            asked.append(f"{'-':>16}")
        else:
            rate = 100 * negative.asked / negative.total
            asked.append(f"{negative.asked:>5}/{negative.total:<3} {rate:5.1f}%")
    lines.append(f"{'heard or asked':<18}" + "".join(heard))
    lines.append(f"{'asked, ordinary':<18}" + "".join(asked))
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    detector = default_detector()
    tables = scores_by(detector)
    # The held-out part stays out of sight unless asked for: looking at it while tuning
    # the lists would make it one more tuned part.
    parts = ALL_PARTS if "--heldout" in argv else ("tuned",)
    print(report(tables, parts))
    if "--quiet" in argv:
        return
    for (lang, part), table in tables.items():
        if part not in parts:
            continue
        for label, s in table.items():
            for text in s.wrong:
                print(f"{lang} {part} {label:<18} {text!r} -> {detector.explain(text)}")


if __name__ == "__main__":
    main(sys.argv[1:])
