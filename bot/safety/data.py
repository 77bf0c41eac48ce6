"""The safety feature's data files, declared for the seam (`bot.plugins.DataFile`).

The signals (data/safety/<language>.yaml and the small model beside them) and
the help lines (data/crisis_resources.yaml) are read from the configured data
directory once, and `check-content` validates them with the same loaders.
"""

from __future__ import annotations

from pathlib import Path

from bot.plugins import DataFile, checked
from bot.safety.crisis import CrisisResources, load_resources
from bot.safety.meaning import load_meaning
from bot.safety.model import load_model
from bot.safety.screen import Detector, load_detector

SIGNALS_DIR = "safety"
MODEL_FILE = "safety/model/weights.json"
MEANING_FILE = "safety/model/meaning.npz"
LINES_FILE = "crisis_resources.yaml"


def _signals(data: Path, languages: tuple[str, ...]) -> Detector:
    def load() -> Detector:
        detector = load_detector(
            data / SIGNALS_DIR,
            model=load_model(data / MODEL_FILE),
            meaning=load_meaning(data / MEANING_FILE),
        )
        if not detector.languages:
            raise ValueError("no signal lists")
        return detector

    return checked(SIGNALS_DIR, load)


def _lines(data: Path, languages: tuple[str, ...]) -> CrisisResources:
    return checked(LINES_FILE, lambda: load_resources(data / LINES_FILE))


SIGNALS: DataFile[Detector] = DataFile(SIGNALS_DIR, _signals)
"""What the safety screen recognises, in every language."""
LINES: DataFile[CrisisResources] = DataFile(LINES_FILE, _lines)
"""Crisis and domestic-violence lines by country."""
