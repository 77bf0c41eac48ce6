"""SQLAlchemy statements compiled once and run straight on a sqlite3 connection.

The hot path of the embedded database (see `sqlite_direct`) skips
SQLAlchemy's per-execution machinery, which costs ~0.1 ms a statement on a
small VM against ~0.01 ms for SQLite itself. The statements are still the
ones the ORM path builds, and values still pass through the columns' own
type processors, so both paths store and read exactly the same bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None


class Prepared:
    """One statement, compiled for `dialect` (qmark parameters) with its processors."""

    def __init__(
        self, statement: Executable, dialect: Dialect, columns: Sequence[str] | None = None
    ) -> None:
        """`columns`: for INSERT and UPDATE, the columns the values will name."""
        compiled = statement.compile(dialect=dialect, column_keys=columns)  # type: ignore[attr-defined]
        self.sql: str = compiled.string
        self._names: Sequence[str] = compiled.positiontup or ()
        self._defaults = {name: compiled.binds[name].effective_value for name in self._names}
        self._binds: list[Processor] = [
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self._names
        ]
        columns = getattr(statement, "selected_columns", ())
        self._results: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]

    def parameters(self, values: Mapping[str, Any]) -> list[Any]:
        merged = {**self._defaults, **values}
        return [
            value if process is None or value is None else process(value)
            for process, value in zip(self._binds, (merged[n] for n in self._names), strict=True)
        ]

    def execute(self, connection: sqlite3.Connection, **values: Any) -> sqlite3.Cursor:
        return connection.execute(self.sql, self.parameters(values))

    def rows(self, connection: sqlite3.Connection, **values: Any) -> list[tuple[Any, ...]]:
        return [self.decode(row) for row in self.execute(connection, **values)]

    def first(self, connection: sqlite3.Connection, **values: Any) -> tuple[Any, ...] | None:
        row = self.execute(connection, **values).fetchone()
        return None if row is None else self.decode(row)

    def decode(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None or value is None else process(value)
            for process, value in zip(self._results, row, strict=True)
        )
