"""After someone's rows are deleted, make sure their words are gone from the disk too.

On SQLite, `secure_delete` (set on every connection, see `db`) zeroes a
deleted row inside its page, but in WAL mode the page's earlier versions —
words included — stay in the `-wal` file until a checkpoint copies the pages
back and the file is emptied. `checkpoint` does that at once, instead of
whenever SQLite's automatic checkpoint would (and it never truncates).
PostgreSQL has no such file to empty here: its own vacuum reclaims the space.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import BusyWait, is_sqlite, sqlite_writer

log = logging.getLogger(__name__)

WAIT_SECONDS = 5.0
"""A reader or writer in another process can hold the checkpoint back for a moment."""


async def checkpoint(engine: AsyncEngine) -> bool:
    """Copy the WAL into the database file and truncate it; False if others prevented it."""
    if not is_sqlite(str(engine.url)):
        return True
    writer = sqlite_writer(engine)
    assert writer is not None
    wait = BusyWait(WAIT_SECONDS)
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        while True:
            async with writer.lock:  # no transaction of ours may be open meanwhile
                cursor = await raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, *_ = await cursor.fetchone()
                await cursor.close()
            if not busy:
                return True
            if time.monotonic() >= wait.deadline:
                break
            await wait.pause()
    log.warning("could not empty the WAL after a deletion; SQLite's next checkpoint will")
    return False
