"""The safety screen's cost per character stays flat from 1,000 to 100,000 characters.

It reads every message before any feature does, on the event loop, so its
cost must grow with the text and no faster. Five kinds of text (ordinary,
full of signals, Turkish, a one-letter flood, a negation flood) are screened
at four lengths; the last column is the cost per character relative to the
same text at 1,000 characters: about 1.0 at every length means linear. On a
busy machine the large texts drift up (caches, other processes), so the work
itself is counted too: phrase matches tried per 1,000 characters, which a
linear screen keeps the same at every length.
"""

from __future__ import annotations

import time
from unittest import mock

from bot.safety import phrases
from bot.safety.screen import default_detector

LENGTHS = (1_000, 4_096, 20_000, 100_000)
TEXTS = {
    "ordinary": "We keep missing each other in the evenings and I miss him a lot. ",
    "signals": "he hit me again and I want to die, nobody knows he beats me. ",
    "turkish": "kocam beni dövüyor ve ondan korkuyorum, bu trafik beni öldürüyor. ",
    "one letter": "a a a a a a a a a a ",
    "negations": "never never not dont would ever hurt me not ",
}
ROUNDS = 9


def _best_times(unit: str) -> dict[int, float]:
    """The fastest of several rounds per length; lengths take turns within a round, so
    a busy machine slows them alike and the ratios stay meaningful."""
    detector = default_detector()
    texts = {n: (unit * (n // len(unit) + 1))[:n] for n in LENGTHS}
    best = dict.fromkeys(LENGTHS, float("inf"))
    for _ in range(ROUNDS):
        for length, text in texts.items():
            start = time.perf_counter()
            detector.check(text)
            best[length] = min(best[length], time.perf_counter() - start)
    return best


def _tries_per_k(text: str) -> float:
    """Phrase matches attempted per 1,000 characters (the screen's unit of work)."""
    tried = 0
    real = phrases._match

    def counting(*args: object) -> object:
        nonlocal tried
        tried += 1
        return real(*args)  # type: ignore[arg-type]

    with mock.patch.object(phrases, "_match", counting):
        default_detector().check(text)
    return tried / (len(text) / 1000)


async def main() -> None:
    default_detector().check("warm up")
    print(f"{'text':<12}{'chars':>9}{'ms':>10}{'µs/1k chars':>14}{'vs 1k':>8}{'tries/1k':>10}")
    for name, unit in TEXTS.items():
        times = _best_times(unit)
        base = times[LENGTHS[0]] * 1e6 / (LENGTHS[0] / 1000)
        for length, seconds in times.items():
            per_k = seconds * 1e6 / (length / 1000)
            tries = _tries_per_k((unit * (length // len(unit) + 1))[:length])
            print(
                f"{name:<12}{length:>9}{seconds * 1000:>10.2f}{per_k:>14.1f}"
                f"{per_k / base:>8.2f}{tries:>10.1f}"
            )
