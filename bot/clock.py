"""The process's clock: real time, or real time moved on, for a rehearsal.

Attune decides everything that depends on time (check-in days, quiet hours,
follow-ups, the four-week check, welcoming someone back) from one clock handed
to the coach, the background jobs, the inbox and the outbox. A rehearsal (an
end-to-end run living a couple's month in a minute) sets `CLOCK_OFFSET_FILE`:
the file holds a number of seconds, and the clock runs that far ahead of real
time. The file is read again whenever it changes, so time can be moved on
while the process runs and nothing inside it is bypassed or patched.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from bot.storage.types import utcnow

log = logging.getLogger(__name__)


class OffsetClock:
    """Real UTC time plus the seconds written in `path` (0 while it is missing or unreadable)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset()

    def offset(self) -> timedelta:
        try:
            info = self.path.stat()
        except OSError:
            return self._offset
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._offset = timedelta(seconds=float(self.path.read_text().strip() or 0))
            except (OSError, ValueError):
                log.warning("the clock offset in %s is not a number of seconds", self.path)
        return self._offset
