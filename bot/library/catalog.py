"""The whole library, loaded once, and the promise it makes: enough for a year.

`load_library` reads the date and ritual ideas and the love-maps questions
(data/library) next to the check-in pools (data/nudges). `shortfalls` checks
the sizes the product promises — enough couple questions, check-in prompts,
ideas and love-maps questions at every depth for a year of use — and is run
by `python -m bot check-content`, so a pool that shrinks fails the build
rather than quietly starting to repeat itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.library.entries import DEPTHS, SETTINGS, Entry, LibraryError, Shape, read_pool
from bot.library.similar import near_duplicates
from bot.nudges.pools import (
    APPRECIATION,
    CHECKIN,
    CONTINUE,
    COUPLE,
    CURIOSITY,
    PLAY,
    Pools,
    load_pools,
)
from bot.plugins import DataFile

IDEAS = "ideas"
LOVEMAPS = "lovemaps"
LIBRARY_DIR = "library"
NUDGES_DIR = "nudges"

MINIMUMS: Mapping[str, int] = {
    "couple questions": 150,
    "check-in prompts (closeness, appreciation, curiosity, play)": 80,
    "date and ritual ideas": 60,
    "love-maps questions": 120,
}
EACH_CHECKIN_THEME = 15
EACH_SETTING = 10
EACH_DEPTH = 30
CHECKIN_THEMES = (CHECKIN, APPRECIATION, CURIOSITY, PLAY)


@dataclass(frozen=True)
class Library:
    pools: Pools
    ideas: tuple[Entry, ...]
    lovemaps: tuple[Entry, ...]
    _by_id: dict[str, dict[str, Entry]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name, entries in ((IDEAS, self.ideas), (LOVEMAPS, self.lovemaps)):
            self._by_id[name] = {e.id: e for e in entries}

    def idea(self, entry_id: str | None) -> Entry | None:
        return self._by_id[IDEAS].get(entry_id or "")

    def lovemap(self, entry_id: str | None) -> Entry | None:
        return self._by_id[LOVEMAPS].get(entry_id or "")

    def lovemaps_at(self, depth: int) -> tuple[Entry, ...]:
        return tuple(e for e in self.lovemaps if e.depth == depth)


def load_library(data_dir: Path, languages: Sequence[str]) -> Library:
    pools = load_pools(data_dir / NUDGES_DIR, languages)
    problems: list[str] = []
    folder = data_dir / LIBRARY_DIR
    ideas = read_pool(folder / f"{IDEAS}.yaml", languages, Shape(settings=True), problems)
    lovemaps = read_pool(folder / f"{LOVEMAPS}.yaml", languages, Shape(choices=True), problems)
    if problems:
        raise LibraryError("\n".join(problems))
    return Library(pools, ideas, lovemaps)


@cache
def library_for(data_dir: Path, languages: tuple[str, ...]) -> Library:
    """The library under `data_dir`, read once per process (it never changes while running)."""
    return load_library(data_dir, languages)


def sizes(library: Library) -> dict[str, int]:
    """How many entries each promised part of the library holds."""
    pools = library.pools.pools
    return {
        "couple questions": len(pools[COUPLE]),
        "check-in prompts (closeness, appreciation, curiosity, play)": sum(
            len(pools[kind]) for kind in CHECKIN_THEMES
        ),
        "date and ritual ideas": len(library.ideas),
        "love-maps questions": len(library.lovemaps),
    }


def shortfalls(library: Library) -> list[str]:
    """Every promise the library does not keep (big enough, no two entries alike), one a line."""
    found = [
        f"{name}: -: {count} entries, fewer than the {MINIMUMS[name]} promised"
        for name, count in sizes(library).items()
        if count < MINIMUMS[name]
    ]
    for kind in CHECKIN_THEMES:
        count = len(library.pools.pools[kind])
        if count < EACH_CHECKIN_THEME:
            found.append(
                f"{NUDGES_DIR}/{kind}.yaml: -: {count} prompts, fewer than {EACH_CHECKIN_THEME}"
            )
    for setting in SETTINGS:
        count = sum(1 for idea in library.ideas if setting in idea.settings)
        if count < EACH_SETTING:
            where = f"{LIBRARY_DIR}/{IDEAS}.yaml: -"
            found.append(f"{where}: {count} ideas for {setting}, fewer than {EACH_SETTING}")
    for depth in DEPTHS:
        count = len(library.lovemaps_at(depth))
        if count < EACH_DEPTH:
            where = f"{LIBRARY_DIR}/{LOVEMAPS}.yaml: -"
            found.append(f"{where}: {count} questions of depth {depth}, fewer than {EACH_DEPTH}")
    return found + near_duplicates(named_entries(library), library_languages(library))


def named_entries(library: Library) -> list[tuple[str, Entry]]:
    """Every worded entry a couple reads (not the "continue" reminders), with its file."""
    named = [
        (f"{NUDGES_DIR}/{kind}.yaml", entry)
        for kind, entries in library.pools.pools.items()
        if kind != CONTINUE
        for entry in entries
    ]
    named += [(f"{LIBRARY_DIR}/{IDEAS}.yaml", entry) for entry in library.ideas]
    named += [(f"{LIBRARY_DIR}/{LOVEMAPS}.yaml", entry) for entry in library.lovemaps]
    return named


def library_languages(library: Library) -> tuple[str, ...]:
    first = next(iter(library.lovemaps), None)
    return tuple(first.text) if first is not None else ()


LIBRARY: DataFile[Library] = DataFile(LIBRARY_DIR, library_for)
"""Ideas and love-maps questions (data/library), with the check-in pools."""
