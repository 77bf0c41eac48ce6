"""What can be planned and followed up: the conversations' exercises and the library's ideas."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.followups.models import EXERCISE, IDEA
from bot.library.catalog import Library, library_for
from bot.library.entries import Entry, LibraryError, Shape, read_pool
from bot.plugins import DataFile

EXERCISES_FILE = Path("library") / "exercises.yaml"


@dataclass(frozen=True)
class Plannable:
    library: Library
    exercises: dict[str, Entry]

    def find(self, source: str, ref: str) -> Entry | None:
        if source == EXERCISE:
            return self.exercises.get(ref)
        if source == IDEA:
            return self.library.idea(ref)
        return None


@cache
def plannable(data_dir: Path, languages: tuple[str, ...]) -> Plannable:
    problems: list[str] = []
    entries = read_pool(data_dir / EXERCISES_FILE, languages, Shape(), problems)
    if problems:
        raise LibraryError("\n".join(problems))
    return Plannable(library_for(data_dir, languages), {e.id: e for e in entries})


EXERCISES: DataFile[Plannable] = DataFile(str(EXERCISES_FILE), plannable)
"""The conversations' exercises (data/library/exercises.yaml), with the library's ideas."""
