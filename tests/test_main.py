"""The command line: help, dialog checks, and refusing to start on invalid content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT
from tests.engine.dialog_files import write_dialogs
from tests.fakes.telegram_core import DEFAULT_TOKEN


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_every_subcommand() -> None:
    done = run("--help")
    for command in ("run", "console", "check-content", "migrate", "dialogs", "health", "backup"):
        assert command in done.stdout


def test_check_content_passes_on_the_real_content() -> None:
    done = run("check-content")
    assert done.returncode == 0 and "dialogs OK in en, tr" in done.stdout


def test_the_bot_refuses_to_start_on_invalid_dialogs(tmp_path: Path) -> None:
    bad = "id: bad\ntitle: {en: B, tr: B}\nstart: a\nnodes:\n  a:\n    text: {en: A, tr: A}\n"
    write_dialogs(tmp_path, {"bad.yaml": bad}, topics=["bad"])
    done = run(
        "run",
        DIALOGS_DIR=str(tmp_path),
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
    )
    assert done.returncode == 3
    assert "bad.yaml: a: no way on" in done.stderr
    assert not (tmp_path / "x.db").exists(), "nothing is touched before content is valid"


def test_auto_without_a_token_opens_the_terminal_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "auto"],
        cwd=PROJECT_ROOT,
        input="/quit\n",
        env={**env, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    first = done.stdout.splitlines()[0]
    assert (
        first == "No TELEGRAM_BOT_TOKEN set: opening the terminal chat instead of the Telegram bot."
    )
    assert "Attune in your terminal" in done.stdout


def test_check_content_reports_every_broken_data_file_at_once(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    check = data / "path" / "check.yaml"
    check.write_text(check.read_text(encoding="utf-8").replace("  tr:", "  xx:", 1), "utf-8")
    (data / "nudges" / "cities.yaml").write_text("- {name: {en: Nowhere}, tz: Mars/Base}\n")
    done = run("check-content", DATA_DIR=str(data))
    assert done.returncode == 3
    problems = done.stderr.splitlines()[1:]
    assert "path/check.yaml: redefining: missing text in tr" in problems
    assert any(p.startswith("nudges/cities.yaml: entry 1: ") for p in problems)


def test_the_bot_refuses_to_start_on_a_broken_data_file(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    (data / "nudges" / "cities.yaml").write_text("[]\n")
    done = run("console", DATA_DIR=str(data), DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/a.db")
    assert done.returncode == 3
    assert "nudges/cities.yaml: -: no cities" in done.stderr


def test_check_content_reads_the_safety_files_from_the_configured_folder(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    (data / "crisis_resources.yaml").write_text("countries: [not, a, mapping]\n")
    (data / "safety" / "tr.yaml").write_text("categories: {gossip: [whatever]}\n")
    done = run("check-content", DATA_DIR=str(data))
    assert done.returncode == 3
    problems = done.stderr.splitlines()[1:]
    assert any(p.startswith("crisis_resources.yaml: -: ValidationError") for p in problems)
    assert any(p.startswith("safety: -: ValueError: tr.yaml: unknown category") for p in problems)


def test_check_content_reads_the_safety_models_word_classes_from_the_configured_folder(
    tmp_path: Path,
) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    (data / "safety" / "model" / "concepts.yaml").write_text("hit: [unclosed\n")
    done = run("check-content", DATA_DIR=str(data))
    assert done.returncode == 3
    assert any(p.startswith("safety: -: ") for p in done.stderr.splitlines()[1:])
