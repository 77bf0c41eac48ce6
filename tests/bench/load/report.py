"""Figures from a run: latency percentiles, losses, 429s, calls per update, memory; as tables."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tests.bench.load.people import Step
from tests.bench.load.telegram import FarTelegram

MIB = 1024 * 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Figures:
    """What one bot's people felt in one scenario."""

    bot: str
    steps: int
    latencies: tuple[float, ...]
    lost: int
    """Never answered, even once every bot had gone quiet after the crowd was done."""
    late: int
    """Answered only after the person gave up waiting (their patience ran out)."""
    too_many: int
    calls_per_update: float
    peak_mib: float
    cpu_ms_per_update: float
    """The bot process's CPU time while the crowd talked, per step: cost, not noise."""

    @classmethod
    def of(
        cls,
        bot: str,
        steps: Sequence[Step],
        fake: FarTelegram,
        people: Iterable[int],
        since: int,
        peak_rss: int,
        cpu_seconds: float,
    ) -> Figures:
        latencies = tuple(s.latency for s in steps if s.latency is not None)
        chats = set(people)
        calls = sum(
            1
            for c in fake.calls[since:]
            if c.method != "getUpdates"
            and (c.chat_id in chats or c.method == "answerCallbackQuery")
        )
        return cls(
            bot,
            len(steps),
            latencies,
            len(steps) - len(latencies),
            sum(1 for s in steps if s.gave_up and s.answered is not None),
            fake.too_many_requests,
            calls / len(steps) if steps else math.nan,
            peak_rss / MIB,
            cpu_seconds * 1000 / len(steps) if steps else math.nan,
        )

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


HEADER = f"{'bot':<16}{'steps':>6}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>9}"
HEADER += f"{'lost':>6}{'late':>6}{'429':>6}"
HEADER += f"{'calls/upd':>10}{'CPU/upd':>9}{'peak MiB':>9}"


def row(f: Figures) -> str:
    def ms(value: float) -> str:
        return "-" if math.isnan(value) else f"{value * 1000:.0f} ms"

    return (
        f"{f.bot:<16}{f.steps:>6}{ms(f.p(50)):>9}{ms(f.p(90)):>9}{ms(f.p(99)):>9}"
        f"{ms(max(f.latencies, default=math.nan)):>9}{f.lost:>6}{f.late:>6}{f.too_many:>6}"
        f"{f.calls_per_update:>10.2f}{f.cpu_ms_per_update:>6.1f} ms{f.peak_mib:>9.0f}"
    )


def table(title: str, figures: Sequence[Figures]) -> str:
    return "\n".join([title, HEADER, *(row(f) for f in figures)])


def ratio(a: float, b: float) -> str:
    return "-" if not b or math.isnan(a) or math.isnan(b) else f"{a / b:.2f}x"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"
