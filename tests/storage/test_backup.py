"""`python -m bot backup`: a consistent copy of the embedded database, taken while it is in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_main import run


def test_backup_copies_every_row_including_those_still_in_the_wal(tmp_path: Path) -> None:
    live = tmp_path / "attune.db"
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE answers (text TEXT)")
    writer.execute("INSERT INTO answers VALUES ('kept')")
    writer.commit()  # committed to the WAL; the main file may not have it yet
    done = run("backup", str(tmp_path / "copy.db"), DATABASE_URL=f"sqlite+aiosqlite:///{live}")
    writer.close()
    assert done.returncode == 0, done.stderr
    assert f"backed up to {tmp_path / 'copy.db'}" in done.stdout
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT text FROM answers").fetchall() == [("kept",)]
    copy.close()


def test_backup_never_overwrites_and_explains_postgresql(tmp_path: Path) -> None:
    (tmp_path / "copy.db").write_text("older backup")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    sqlite3.connect(tmp_path / "attune.db").close()
    done = run("backup", str(tmp_path / "copy.db"), DATABASE_URL=url)
    assert done.returncode == 1 and "already exists" in done.stderr
    assert (tmp_path / "copy.db").read_text() == "older backup"
    pg = run("backup", str(tmp_path / "x.db"), DATABASE_URL="postgresql+asyncpg://a:b@h/db")
    assert pg.returncode == 1 and "pg_dump" in pg.stderr
