"""The rehearsal clock: real time moved on by the seconds in a file, re-read when it changes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import OffsetClock
from bot.storage.types import utcnow


def test_the_clock_runs_as_far_ahead_as_the_file_says_and_follows_changes(tmp_path: Path) -> None:
    path = tmp_path / "offset"
    clock = OffsetClock(path)
    assert abs(clock() - utcnow()) < timedelta(minutes=1), "no file: real time"
    path.write_text(str(3 * 86400))
    assert (
        timedelta(days=3) - timedelta(minutes=1) < clock() - utcnow() < timedelta(days=3, minutes=1)
    )
    path.write_text("1209600.5")  # another length: the file is read again
    assert clock() - utcnow() > timedelta(days=13, hours=23)


def test_a_file_that_is_not_a_number_keeps_the_last_offset(tmp_path: Path) -> None:
    path = tmp_path / "offset"
    path.write_text("3600")
    clock = OffsetClock(path)
    assert clock() - utcnow() > timedelta(minutes=59)
    path.write_text("soon")
    assert clock() - utcnow() > timedelta(minutes=59)
