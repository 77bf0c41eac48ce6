"""Every row of a database, to compare two runs that should have stored the same."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel


async def table_rows(
    engine: AsyncEngine, tables: Iterable[str] | None = None, *, without: Iterable[str] = ()
) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of `tables` (default: all), in a stable order, leaving out columns in `without`.

    `without` is for values that honestly differ between runs, such as
    creation times taken from the real clock by model defaults.
    """
    wanted = set(tables) if tables is not None else None
    skipped = set(without)
    dump: dict[str, list[tuple[Any, ...]]] = {}
    async with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if wanted is not None and table.name not in wanted:
                continue
            columns = [c.name for c in table.columns if c.name not in skipped]
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            query = f"SELECT {', '.join(columns)} FROM {table.name} ORDER BY {order}"
            dump[table.name] = [tuple(row) for row in await connection.exec_driver_sql(query)]
    return dump
