"""The weekly picture: both partners' check-in scores over recent weeks, as a PNG.

matplotlib is imported on first use (and with the Agg backend, no display):
most processes never draw a chart, and the import costs memory and time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

WIDTH_PX, HEIGHT_PX, DPI = 800, 450, 100
MINE_COLOR, THEIRS_COLOR, MARK_COLOR = "#d9576b", "#3f7fbf", "#e0a526"


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]
    """One weekly average per week (None: no check-in that week)."""


@dataclass(frozen=True)
class ChartData:
    title: str
    weeks: tuple[date, ...]
    """The Monday of each week, oldest first."""
    series: tuple[Series, ...]
    y_label: str
    marks: Series | None = None
    """Exercises tried, by how they felt (1-5): stars, not a line."""


def render(data: ChartData) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_subplot()
    xs = list(range(len(data.weeks)))
    for series, color in zip(data.series, (MINE_COLOR, THEIRS_COLOR), strict=False):
        points = [(x, v) for x, v in zip(xs, series.values, strict=True) if v is not None]
        if points:
            px, py = zip(*points, strict=True)
            axes.plot(
                px, py, marker="o", linewidth=2.5, markersize=8, color=color, label=series.label
            )
    if data.marks is not None:
        stars = [(x, v) for x, v in zip(xs, data.marks.values, strict=True) if v is not None]
        if stars:
            sx, sy = zip(*stars, strict=True)
            axes.scatter(
                sx, sy, marker="*", s=260, color=MARK_COLOR, label=data.marks.label, zorder=3
            )
    axes.set_title(data.title, fontsize=14)
    axes.set_xticks(xs, [w.strftime("%d.%m") for w in data.weeks])
    axes.set_ylim(0.5, 5.5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_ylabel(data.y_label)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    shown = (*data.series, *((data.marks,) if data.marks is not None else ()))
    if any(any(v is not None for v in s.values) for s in shown):
        axes.legend(loc="lower left", frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
