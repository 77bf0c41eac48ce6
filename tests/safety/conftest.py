"""Safety tests use the couples' people and steps (a disclosure is about a partner).

After a run that included the recognition tests, the recall and false-alarm
tables (tuned and held-out parts, per language) are printed at the end.
"""

from __future__ import annotations

import pytest

from tests.couples.conftest import coach, pg_coach

__all__ = ["coach", "pg_coach"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ran = terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
    if not any("test_recognition" in report.nodeid for report in ran):
        return
    from bot.safety.screen import default_detector
    from tests.safety.recognition import report, scores_by

    terminalreporter.section("safety recognition (recall per category, false alarms)")
    terminalreporter.write_line(report(scores_by(default_detector())))
