"""Helpers for tests that upgrade a database step by step and look at what a migration kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection

from bot.storage.migrate import alembic_config


def upgrade_to(connection: Connection, *revisions: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    for revision in revisions:
        command.upgrade(config, revision)


def sql_bool(url: str, value: bool) -> str:
    """A boolean literal for raw SQL on either database."""
    if url.startswith("sqlite"):
        return "1" if value else "0"
    return "true" if value else "false"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any tables yet (the usual ones are copies of a migrated one)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    pg = request.getfixturevalue("pg")
    name = pg.create_database()
    yield pg.url(name)
    pg.drop_database(name)
