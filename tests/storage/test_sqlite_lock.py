"""Another process holding SQLite's write lock never freezes the bot.

SQLite calls run inline on the event loop (see `sqlite_inline`), so waiting
for the file lock *inside* SQLite would stop everything — polling, jobs, other
people's turns — for as long as the other process holds it. Instead SQLite
answers "busy" at once and the wait happens on the loop, asynchronously.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.coach import Coach
from bot.storage import erasure
from bot.storage.models import User
from tests.support.people import ALEX, SAM, texts

HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE users SET first_name = first_name")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
print("released", flush=True)
"""


@asynccontextmanager
async def lock_held_by_another_process(database: Path) -> AsyncIterator[None]:
    """A second process takes the write lock (BEGIN IMMEDIATE) until the block ends."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        str(database),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert await holder.stdout.readline() == b"locked\n"
        yield
    finally:
        holder.stdin.write(b"\n")
        await holder.stdin.drain()
        assert await holder.wait() == 0


def database_of(url: str) -> Path:
    return Path(url.split("///", 1)[1])


async def test_sqlite_itself_never_waits_on_the_loop(coach: Coach) -> None:
    """The guard: with a busy timeout SQLite would sleep on the loop's own thread."""
    engine = coach.sessions.kw["bind"]
    async with engine.connect() as connection:
        orm = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    assert coach.direct is not None
    async with coach.direct.transaction() as fast:
        direct = fast.execute("PRAGMA busy_timeout").fetchone()[0]
    assert (orm, direct) == (0, 0)


async def test_a_turn_waits_for_the_lock_without_stopping_the_loop(
    coach: Coach, sqlite_url: str
) -> None:
    await coach.run_command(ALEX, "help")
    await coach.run_command(SAM, "help")
    async with lock_held_by_another_process(database_of(sqlite_url)):
        alex = asyncio.ensure_future(coach.run_command(ALEX, "topics"))
        sam = asyncio.ensure_future(coach.text(SAM, "hello"))
        await asyncio.sleep(0.1)
        assert not alex.done() and not sam.done()
    assert texts(await alex, ALEX), "Alex is answered once the lock is free"
    assert texts(await sam, SAM)


async def test_the_orm_path_waits_without_stopping_the_loop(coach: Coach, sqlite_url: str) -> None:
    await coach.run_command(ALEX, "help")

    async def rename() -> None:
        async with coach.sessions() as session, session.begin():
            user = await session.get(User, ALEX.user_id)
            assert user is not None
            user.first_name = "Alexandra"

    async with lock_held_by_another_process(database_of(sqlite_url)):
        renaming = asyncio.ensure_future(rename())
        await asyncio.sleep(0.1)
        assert not renaming.done()
    await renaming
    async with coach.sessions() as session:
        user = await session.get(User, ALEX.user_id)
    assert user is not None and user.first_name == "Alexandra"


async def test_the_checkpoint_after_forget_waits_for_another_writer_on_the_loop(
    coach: Coach, sqlite_url: str
) -> None:
    engine = coach.sessions.kw["bind"]
    await coach.run_command(ALEX, "help")
    async with lock_held_by_another_process(database_of(sqlite_url)):
        checkpoint = asyncio.ensure_future(erasure.checkpoint(engine))
        await asyncio.sleep(0.1)
        assert not checkpoint.done()
    assert await checkpoint is True
