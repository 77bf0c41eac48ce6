"""After /forget, the person's words are gone from the database files themselves.

Deleting rows is not enough on SQLite: a deleted row stays in the file's free
space, and in WAL mode every version of a page also sits in the `-wal` file
until a checkpoint. So this reads the raw bytes of the database and its WAL
while the bot is still running, as someone with the disk would.
"""

from __future__ import annotations

from pathlib import Path

from bot.coach import Coach
from bot.storage.db import create_engine
from tests.couples.conftest import ALEX, SAM, answer, link, name_yourself

ANSWER = "Zanzibar-Quokka-Lullaby is what I never told you"
NAME = "Quetzalwhisper"
SAM_ANSWER = "Sam keeps Marzipan-Tortoise-Oath"


def on_disk(database: Path, words: str) -> list[str]:
    """The database files (main file, WAL, shared memory) that contain `words`."""
    needle = words.encode("utf-8")
    files = [database, *database.parent.glob(database.name + "-*")]
    return [f.name for f in files if f.exists() and needle in f.read_bytes()]


async def test_forgotten_words_leave_no_bytes_in_the_database_or_its_wal(
    coach: Coach, sqlite_url: str
) -> None:
    database = Path(sqlite_url.split("///", 1)[1])
    await link(coach, ALEX, SAM)
    await name_yourself(coach, ALEX, NAME)
    await answer(coach, ALEX, ANSWER, "redefining", share=False)
    await answer(coach, SAM, SAM_ANSWER, "redefining", share=False)
    assert on_disk(database, ANSWER) and on_disk(database, NAME), "the words were written"

    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    await coach.press(ALEX, confirm)

    assert on_disk(database, ANSWER) == []
    assert on_disk(database, NAME) == []
    assert on_disk(database, SAM_ANSWER), "the partner's own words stay"
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL was checkpointed and truncated"


async def test_every_connection_overwrites_what_it_deletes(sqlite_url: str) -> None:
    """Set explicitly: some SQLite builds default to on, others to off."""
    engine = create_engine(sqlite_url)
    async with engine.connect() as connection:
        mode = (await connection.exec_driver_sql("PRAGMA secure_delete")).scalar()
    await engine.dispose()
    assert mode == 1
