"""The cooldown feature's data files, declared for the seam (`bot.plugins.DataFile`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.cooldown.hostility import Lists, load
from bot.cooldown.hostility_model import load_model
from bot.plugins import DataFile, checked

HOSTILITY_DIR = "cooldown/hostility"
MODEL_FILE = "model/weights.json"


def _hostility(data: Path, languages: tuple[str, ...]) -> tuple[Lists, ...]:
    def read() -> tuple[Lists, ...]:
        found = {p.stem: load(p) for p in sorted((data / HOSTILITY_DIR).glob("*.yaml"))}
        missing = [lang for lang in languages if lang not in found]
        if missing:
            raise ValueError(f"no list for {', '.join(missing)}")
        model = load_model(data / HOSTILITY_DIR / MODEL_FILE)
        return tuple(replace(lists, model=model) for lists in found.values())

    return checked(HOSTILITY_DIR, read)


HOSTILITY: DataFile[tuple[Lists, ...]] = DataFile(HOSTILITY_DIR, _hostility)
"""Criticism, contempt and name-calling the gentle-start builder never frames as gentle."""
