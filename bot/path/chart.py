"""The change between two checks as a picture: one pair of bars per section.

Like the weekly picture (bot/nudges/chart.py), matplotlib is imported on
first use with the Agg backend; the person's own answers only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

WIDTH_PX, HEIGHT_PX, DPI = 800, 640, 100
BEFORE_COLOR, NOW_COLOR = "#c9c3bd", "#d9576b"


@dataclass(frozen=True)
class Change:
    title: str
    labels: tuple[str, ...]
    before: tuple[int, ...]
    now: tuple[int, ...]
    before_label: str
    now_label: str
    scale_label: str


def render(change: Change) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_subplot()
    rows = list(range(len(change.labels)))[::-1]
    height = 0.38
    axes.barh(
        [r + height / 2 for r in rows],
        change.before,
        height,
        color=BEFORE_COLOR,
        label=change.before_label,
    )
    axes.barh(
        [r - height / 2 for r in rows], change.now, height, color=NOW_COLOR, label=change.now_label
    )
    axes.set_yticks(rows, change.labels, fontsize=9)
    axes.set_xlim(0, 4.3)
    axes.set_xticks([1, 2, 3, 4])
    axes.set_xlabel(change.scale_label)
    axes.set_title(change.title, fontsize=13)
    axes.grid(axis="x", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(loc="lower right", frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
