"""Attune with its SQLite fast path switched off: one database path, stock aiosqlite.

For item 4 of issue 14 ("one database path unless it pays"): the load bench
runs this next to the real `python -m bot` to see whether the fast path
(`sqlite_direct`, `sqlite_inline`, `prepared`) changes what people feel. It
patches two seams before the bot starts: the engine's connection factory goes
back to aiosqlite (SQLite in its worker thread, as SQLAlchemy ships it) and the
coach finds no direct connection, so every turn runs on the ORM session.

Run as `python -m tests.bench.load.orm_only run` with the bot's environment.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any


def has_fast_path() -> bool:
    return importlib.util.find_spec("bot.storage.sqlite_direct") is not None


def switch_off_fast_path(*, keep_inline: bool = False) -> bool:
    """Patch the fast path away; False when this Attune no longer has one.

    `keep_inline` leaves SQLite running inline on the loop (only the direct
    sqlite3 turns go), to tell which half of the fast path matters.
    """
    try:
        from bot.storage import sqlite_direct, sqlite_inline
    except ImportError:
        return False
    import aiosqlite

    def creator(database: str, **kwargs: Any) -> Callable[[], Any]:
        async def connect() -> Any:
            return await aiosqlite.connect(database, **kwargs)

        return connect

    if not keep_inline:
        sqlite_inline.creator = creator  # type: ignore[assignment]
    sqlite_direct.DirectSqlite.for_engine = classmethod(lambda cls, engine: None)  # type: ignore[assignment,method-assign]
    return True


if __name__ == "__main__":
    switch_off_fast_path(keep_inline=os.environ.get("ORM_ONLY_KEEP_INLINE", "") == "1")
    from bot.__main__ import main

    sys.exit(main())
