"""The embedded database's fast path: plain dialog turns straight on sqlite3.

Most updates are someone pressing a dialog button or answering a question.
Run through SQLAlchemy's async ORM, such a turn spends ~3 ms opening a
session and building, executing and reading back half a dozen statements;
the same work on a plain sqlite3 connection takes ~0.1 ms. So the coach first
tries each turn here, in one `BEGIN IMMEDIATE` transaction on a dedicated
connection, with the statements the ORM path uses compiled once (`Prepared`).

Anything beyond the core tables (a feature's own rows, a shared answer, a
partner to notify) needs the ORM session; asking for it raises
`turn.NeedsSession`, the transaction is rolled back with nothing sent, and the coach runs the turn
again on the ORM path. Both paths take the engine's `WriterLock`, so their
transactions never interleave.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, event, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

from bot.engine.state import DialogState
from bot.storage import repo
from bot.storage.db import BusyWait, WriterLock, apply_sqlite_pragmas, sqlite_writer
from bot.storage.models import DialogProgress, DialogSession, Reflection, User
from bot.storage.prepared import Prepared

_users = User.__table__
_partners = _users.alias("partner")
_UID = bindparam("uid")

PEOPLE = (
    select(_users, _partners)
    .select_from(
        _users.outerjoin(
            _partners,
            and_(_partners.c.couple_id == _users.c.couple_id, _partners.c.id != _users.c.id),
        )
    )
    .where(_users.c.id == _UID)
    .limit(1)
)
_sessions = DialogSession.__table__
STATE = select(
    _sessions.c.dialog, _sessions.c.node, _sessions.c.awaiting_share, _sessions.c.version
).where(_sessions.c.user_id == _UID)
PROGRESS = select(DialogProgress.__table__).where(DialogProgress.__table__.c.user_id == _UID)
REFLECTION_COLUMNS = tuple(c.name for c in Reflection.__table__.columns if c.name != "id")
ADD_REFLECTION = insert(Reflection.__table__)


class DirectSqlite:
    """A dedicated sqlite3 connection to the engine's database file, opened on first use."""

    def __init__(self, path: str, writer: WriterLock, dialect: Any) -> None:
        self.path = path
        self.writer = writer
        self.dialect = dialect
        self._connection: sqlite3.Connection | None = None
        self._prepared: dict[tuple[int, Sequence[str] | None], tuple[Executable, Prepared]] = {}

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> DirectSqlite | None:
        """The fast path for `engine`, or None when it is not a SQLite file."""
        writer = sqlite_writer(engine)
        database = make_url(str(engine.url)).database
        if writer is None or not database or database == ":memory:":
            return None
        direct = cls(database, writer, engine.dialect)
        event.listen(engine.sync_engine, "engine_disposed", lambda _engine: direct.close())
        return direct

    def prepared(self, statement: Executable, columns: Sequence[str] | None = None) -> Prepared:
        key = (id(statement), columns)
        entry = self._prepared.get(key)
        if entry is None:
            # Keeping the statement alive keeps its id from being reused.
            entry = self._prepared[key] = (statement, Prepared(statement, self.dialect, columns))
        return entry[1]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[sqlite3.Connection]:
        """One write transaction; rolled back if the body raises (NeedsSession included)."""
        async with self.writer.lock:
            connection = self._connect()
            wait = BusyWait()
            while True:
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if not wait.worth_waiting(exc):
                        raise
                await wait.pause()
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            apply_sqlite_pragmas(connection)
            self._connection = connection
        return self._connection

    # -- the person ----------------------------------------------------------

    def people(
        self, connection: sqlite3.Connection, user_id: int
    ) -> tuple[User, User | None] | None:
        """The person's row and their partner's, if the person is known."""
        row = self.prepared(PEOPLE).first(connection, uid=user_id)
        if row is None:
            return None
        width = len(_users.columns)
        user = _model(User, _users.columns.keys(), row[:width])
        partner = None if row[width] is None else _model(User, _users.columns.keys(), row[width:])
        return user, partner

    def first_contact(
        self,
        connection: sqlite3.Connection,
        user_id: int,
        chat_id: int,
        first_name: str,
        lang: str,
        now: datetime,
    ) -> User:
        user, dialog = repo.first_contact(user_id, chat_id, first_name, lang, now)
        self.prepared(repo.new_user_insert("sqlite"), tuple(user)).execute(connection, **user)
        self.prepared(repo.new_dialog_session_insert("sqlite"), tuple(dialog)).execute(
            connection, **dialog
        )
        return User(**user)


class DirectDialogStore:
    """`DialogStore` on the fast path's open transaction."""

    def __init__(self, direct: DirectSqlite, connection: sqlite3.Connection) -> None:
        self.direct = direct
        self.connection = connection

    async def load_state(self, user_id: int) -> tuple[DialogState, int]:
        row = self.direct.prepared(STATE).first(self.connection, uid=user_id)
        if row is None:
            return DialogState(), -1
        dialog, node, awaiting_share, version = row
        return DialogState(dialog, node, awaiting_share), version

    async def save_state(
        self, user_id: int, state: DialogState, version: int, now: datetime
    ) -> bool:
        if version < 0:  # no row yet: create the idle one, then move it like any other
            idle = repo.idle_session_values(user_id, now)
            self.direct.prepared(repo.new_dialog_session_insert("sqlite"), tuple(idle)).execute(
                self.connection, **idle
            )
            version = 0
        values = repo.state_values(user_id, state, version, now)
        saved = self.direct.prepared(repo.SAVE_STATE, repo.SAVE_STATE_COLUMNS).execute(
            self.connection, **values
        )
        return saved.rowcount == 1

    async def progress(self, user_id: int) -> dict[str, DialogProgress]:
        names = DialogProgress.__table__.columns.keys()
        rows = self.direct.prepared(PROGRESS).rows(self.connection, uid=user_id)
        return {row.dialog: row for row in (_model(DialogProgress, names, r) for r in rows)}

    async def record_progress(
        self, user_id: int, dialog: str, *, node: str | None, now: datetime, done: bool = False
    ) -> None:
        values = repo.progress_values(user_id, dialog, node=node, now=now, done=done)
        self.direct.prepared(repo.progress_upsert("sqlite", done)).execute(
            self.connection, **values
        )

    async def add_reflection(self, reflection: Reflection) -> None:
        values = {name: getattr(reflection, name) for name in REFLECTION_COLUMNS}
        cursor = self.direct.prepared(ADD_REFLECTION, REFLECTION_COLUMNS).execute(
            self.connection, **values
        )
        reflection.id = cursor.lastrowid

    async def check(self, conditions: Select[tuple[bool, ...]], user_id: int) -> tuple[bool, ...]:
        row = self.direct.prepared(conditions).first(self.connection, uid=user_id)
        assert row is not None
        return tuple(bool(value) for value in row)


def row_values(user: User | None) -> tuple[Any, ...] | None:
    """The person's row as read, to notice a handler changing it."""
    return None if user is None else tuple(getattr(user, name) for name in _USER_COLUMNS)


_USER_COLUMNS = tuple(_users.columns.keys())


def _model(model: Any, names: Sequence[str], values: Sequence[Any]) -> Any:
    return model(**dict(zip(names, values, strict=True)))
