"""`python -m bot dialogs graph NAME` draws the tree an author wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.graph import to_dot


def test_the_dot_has_every_node_and_choice(content) -> None:
    dot = to_dot(content, "transitions")
    dialog = content.dialogs["transitions"]
    for node in dialog.nodes.values():
        assert f'"{node.id}" [' in dot
        for button in node.buttons:
            assert f'"{node.id}" -> "{button.next}"' in dot
    assert dot.startswith('digraph "transitions"') and dot.rstrip().endswith("}")


def test_the_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "welcome"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "dialogs", "graph", "welcome", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "digraph" in (tmp_path / "welcome.dot").read_text()
    assert "wrote" in done.stdout


def test_an_unknown_dialog_is_named(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "dialogs", "graph", "nope", "--out", str(tmp_path / "x")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "unknown dialog 'nope'" in done.stderr
