"""Safety tests use the couples' people and steps (a disclosure is about a partner).

After a run that included the recognition tests, the recall and false-alarm
tables (tuned and held-out parts, per language) are printed at the end.
"""

from __future__ import annotations

import os

import pytest

from bot.safety.screen import default_detector
from tests.couples.conftest import coach, pg_coach
from tests.safety.recognition import Score, report, scores_by

__all__ = ["coach", "pg_coach"]

REPORT = "safety/recognition-report"
"""Where the tables the recognition tests computed wait for the end of the run. Under
pytest-xdist they are computed in a worker; computing them again in the controller to print
them took as long as the tests themselves (275 s of a 12.6-minute CI run)."""


def _run(config: pytest.Config) -> int:
    """The run's controlling process: a pytest-xdist worker's parent, else this process."""
    return os.getppid() if hasattr(config, "workerinput") else os.getpid()


def keep_report(config: pytest.Config, text: str) -> None:
    config.cache.set(REPORT, {"run": _run(config), "text": text})


@pytest.fixture(scope="session")
def recognition_tables(request: pytest.FixtureRequest) -> dict[tuple[str, str], dict[str, Score]]:
    """Every corpus part scored by the shipped screen, kept for the tables printed at the end."""
    tables = scores_by(default_detector())
    keep_report(request.config, report(tables))
    return tables


def _kept_report(config: pytest.Config) -> str | None:
    kept = config.cache.get(REPORT, None)
    if not kept or kept.get("run") != os.getpid():
        return None
    config.cache.set(REPORT, None)  # printed once: no later run may take it for its own
    return kept["text"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return  # a pytest-xdist worker: its output is not shown, the controller prints
    ran = terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
    if not any("test_recognition" in report.nodeid for report in ran):
        return
    text = _kept_report(terminalreporter.config)
    if text is None:  # kept by no process of this run (the cache is off or was cleared)
        text = report(scores_by(default_detector()))
    terminalreporter.section("safety recognition (recall per category, false alarms)")
    terminalreporter.write_line(text)
