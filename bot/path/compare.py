"""Where two checks agree and where they differ — never the answers themselves.

Two answers on the four-step scale that are at most one step apart count as
seeing it alike; further apart, as seeing it differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

ALIKE_WITHIN = 1


def agree_differ(
    mine: Mapping[str, int], theirs: Mapping[str, int], order: Sequence[str]
) -> tuple[list[str], list[str]]:
    """(sections seen alike, sections seen differently), in `order`; unanswered ones left out."""
    alike: list[str] = []
    differ: list[str] = []
    for section in order:
        if section in mine and section in theirs:
            close = abs(mine[section] - theirs[section]) <= ALIKE_WITHIN
            (alike if close else differ).append(section)
    return alike, differ


def biggest_change(
    before: Mapping[str, int], now: Mapping[str, int], order: Sequence[str]
) -> tuple[str, str | None]:
    """("up" | "down" | "same", the section that moved most): for one gentle line."""
    moves = [(now[s] - before[s], s) for s in order if s in before and s in now]
    if not moves:
        return "same", None
    up = max(moves, key=lambda m: m[0])
    down = min(moves, key=lambda m: m[0])
    if up[0] > 0:
        return "up", up[1]
    if down[0] < 0:
        return "down", down[1]
    return "same", None
