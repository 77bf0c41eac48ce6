"""Everything stored about one person, found from the schema rather than listed by hand.

Any table with a `user_id` column, or a foreign key to `users.id`, holds rows
about a person. Tables that other features add are therefore included in
/mydata and removed by /forget automatically: every feature is imported
(`bot.features`) before a turn runs, so SQLModel's metadata knows its tables
(`bot.schema` is the same metadata, imported in full).
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, MetaData, Table, delete, or_, select, update
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

USERS = "users"
COUPLES = "couples"


def _refers_to_users(column: Column[Any]) -> bool:
    return column.name == "user_id" or any(
        fk.column.table.name == USERS and fk.column.name == "id" for fk in column.foreign_keys
    )


def personal_tables(schema: MetaData = SQLModel.metadata) -> list[tuple[Table, list[Column[Any]]]]:
    """(table, columns naming a person) for every table except `users` itself."""
    found: list[tuple[Table, list[Column[Any]]]] = []
    for table in schema.sorted_tables:
        if table.name == USERS:
            continue
        columns = [c for c in table.columns if _refers_to_users(c)]
        if columns:
            found.append((table, columns))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _row(mapping: Any) -> dict[str, Any]:
    return {key: _plain(value) for key, value in mapping.items()}


async def _rows(session: AsyncSession, statement: Any) -> list[dict[str, Any]]:
    result = await session.exec(statement)
    return [_row(m) for m in result.mappings()]


async def collect(
    session: AsyncSession, user_id: int, schema: MetaData = SQLModel.metadata
) -> dict[str, Any]:
    """A JSON-ready dict of every row about `user_id`, table by table."""
    users = schema.tables[USERS]
    me = await _rows(session, select(users).where(users.c.id == user_id))
    data: dict[str, Any] = {USERS: me}
    couple_id = me[0].get("couple_id") if me else None
    if couple_id is not None and COUPLES in schema.tables:
        couples = schema.tables[COUPLES]
        data[COUPLES] = await _rows(session, select(couples).where(couples.c.id == couple_id))
    for table, columns in personal_tables(schema):
        rows = await _rows(session, select(table).where(or_(*(c == user_id for c in columns))))
        if rows:
            data[table.name] = rows
    return data


async def _release(session: AsyncSession, table: Table, column: Column[Any], user_id: int) -> None:
    """A reference without an ON DELETE rule: cleared if it may be empty, else the row goes."""
    if column.nullable:
        await session.exec(update(table).where(column == user_id).values({column.name: None}))
    else:
        await session.exec(delete(table).where(column == user_id))


def to_json(data: dict[str, Any], exported_at: datetime) -> bytes:
    document = {"exported_at": exported_at.isoformat(), "tables": data}
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


async def erase(session: AsyncSession, user_id: int, schema: MetaData = SQLModel.metadata) -> None:
    """Delete every row about `user_id`, dependants first, then the person.

    Foreign keys with ON DELETE CASCADE would do most of this; deleting
    explicitly also covers tables that name a person without such a key.
    Rows where the person appears in another column (say, as the other half
    of something shared) follow that column's own ON DELETE rule.
    """
    await session.flush()
    for table, columns in reversed(personal_tables(schema)):
        for column in columns:
            if column.name == "user_id":
                await session.exec(delete(table).where(column == user_id))
            elif not any(fk.ondelete for fk in column.foreign_keys):
                await _release(session, table, column, user_id)
    users = schema.tables[USERS]
    await session.exec(delete(users).where(users.c.id == user_id))
    session.expunge_all()
