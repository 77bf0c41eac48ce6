"""Write small dialog sets to a temp folder, reusing the real interface strings."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT


def write_dialogs(
    root: Path,
    files: dict[str, str],
    *,
    topics: list[str],
    languages: tuple[str, ...] = ("en", "tr"),
) -> Path:
    shutil.copytree(PROJECT_ROOT / "dialogs" / "ui", root / "ui", dirs_exist_ok=True)
    index = {"languages": list(languages), "default_language": languages[0], "topics": topics}
    (root / "index.yaml").write_text(yaml.safe_dump(index), encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root
