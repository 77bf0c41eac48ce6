"""Apply Alembic migrations, from `python -m bot migrate` and at every start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (every branch head).

    On SQLite, Alembic alters a table by copying it and dropping the old one;
    with foreign keys on, that drop deletes every row pointing at it (ON
    DELETE CASCADE), so an upgrade would quietly erase people's check-ins.
    Foreign keys are switched off for the migration (SQLite ignores the
    switch inside a transaction, hence before `begin`) and the result is
    checked before they come back on.
    """
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.run_sync(_foreign_keys, "OFF")
        try:
            async with connection.begin():
                await connection.run_sync(_upgrade)
                if sqlite:
                    await connection.run_sync(_check_foreign_keys)
        finally:
            if sqlite:
                await connection.run_sync(_foreign_keys, "ON")


def _foreign_keys(connection: Connection, state: str) -> None:
    """Outside any transaction: reaches the driver without SQLAlchemy's autobegin."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA foreign_keys={state}")
    cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} rows pointing at nothing")


MIGRATION_LOCK = 0x41_74_74_75_6E_65_01
"""PostgreSQL advisory lock taken while migrating ("Attune" + 1)."""


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several processes may start at once (compose --scale): one migrates, the
        # others wait here and then find nothing left to do.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")
