"""Queries the core needs, written once for SQLite and PostgreSQL alike.

The dialect switch lives here and nowhere else: features ask for "insert,
ignoring duplicates", "lock what is due, skipping rows others hold" or
"update these rows, all of them", and never look at which database it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, Table, bindparam, case, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.state import DialogState
from bot.storage.models import Couple, DialogProgress, DialogSession, Reflection, User

DONE = "done"
IN_PROGRESS = "in_progress"
S = TypeVar("S", bound=Select[Any])


async def ensure_user(
    session: AsyncSession,
    user_id: int,
    chat_id: int,
    first_name: str,
    lang: str,
    now: datetime,
    *,
    revive: bool = True,
) -> tuple[User, bool]:
    """The person's row, created on first contact. Returns (user, created).

    `revive`: the person wrote from their private chat, so a row marked unreachable
    (they had blocked the bot) is reachable again; False for input from a group.
    """
    user = await session.get(User, user_id)
    if user is not None:
        if revive and (not user.active or user.chat_id != chat_id):
            user.active, user.chat_id = True, chat_id
            session.add(user)
        return user, False
    # Two first messages at once (two workers) must not collide on the key.
    dialect = session.get_bind().dialect.name
    new_user, new_session = first_contact(user_id, chat_id, first_name, lang, now)
    inserted = await session.exec(new_user_insert(dialect), params=new_user)
    await session.exec(new_dialog_session_insert(dialect), params=new_session)
    user = await session.get(User, user_id)
    assert user is not None
    return user, inserted.rowcount == 1


def first_contact(
    user_id: int, chat_id: int, first_name: str, lang: str, now: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values of a new person's user row and (idle) dialog session row."""
    user = {
        "id": user_id,
        "chat_id": chat_id,
        "first_name": first_name,
        "lang": lang,
        "active": True,
        "quiet": False,
        "seen_at": now,
        "created_at": now,
    }
    return user, idle_session_values(user_id, now)


def idle_session_values(user_id: int, now: datetime) -> dict[str, Any]:
    return {"user_id": user_id, "awaiting_share": False, "version": 0, "updated_at": now}


@cache
def new_user_insert(dialect: str) -> Any:
    return _dialect_insert(dialect)(User.__table__).on_conflict_do_nothing()


@cache
def new_dialog_session_insert(dialect: str) -> Any:
    return _dialect_insert(dialect)(DialogSession.__table__).on_conflict_do_nothing()


async def lock_couple(session: AsyncSession, user_id: int) -> None:
    """On PostgreSQL, hold the person's couple row until the transaction ends.

    Turns of the two partners may touch each other's rows (a shared answer, a
    reveal); taking the couple's lock first makes them take turns instead of
    interleaving or deadlocking. SQLite runs one write transaction at a time anyway.
    """
    if not is_postgres(session):
        return
    couple_id = (await session.exec(select(User.couple_id).where(User.id == user_id))).first()
    if couple_id is not None:
        await session.exec(select(Couple.id).where(Couple.id == couple_id).with_for_update())


async def partner_of(session: AsyncSession, user: User) -> User | None:
    if user.couple_id is None:
        return None
    query = select(User).where(User.couple_id == user.couple_id, User.id != user.id)
    return (await session.exec(query)).first()


async def load_state(session: AsyncSession, user_id: int) -> tuple[DialogState, int]:
    row = await session.get(DialogSession, user_id, populate_existing=True)
    if row is None:
        return DialogState(), -1
    return DialogState(row.dialog, row.node, row.awaiting_share), row.version


async def save_state(
    session: AsyncSession, user_id: int, state: DialogState, version: int, now: datetime
) -> bool:
    """Compare-and-set on `version`: False if someone else moved the dialog first."""
    if version < 0:
        session.add(
            DialogSession(
                user_id=user_id,
                dialog=state.dialog,
                node=state.node,
                awaiting_share=state.awaiting_share,
                version=1,
                updated_at=now,
            )
        )
        await session.flush()
        return True
    result = await session.exec(SAVE_STATE, params=state_values(user_id, state, version, now))
    return result.rowcount == 1


SAVE_STATE = (
    update(DialogSession)
    .where(
        col(DialogSession.user_id) == bindparam("uid"),
        col(DialogSession.version) == bindparam("old_version"),
    )
    # The row is re-read with populate_existing before every step, so the ORM
    # need not reconcile its identity map here (which costs a query).
    .execution_options(synchronize_session=False)
)
"""Built once: constructing statements costs more than running them on SQLite."""
SAVE_STATE_COLUMNS = ("dialog", "node", "awaiting_share", "version", "updated_at")


async def progress(session: AsyncSession, user_id: int) -> dict[str, DialogProgress]:
    rows = await session.exec(select(DialogProgress).where(DialogProgress.user_id == user_id))
    return {row.dialog: row for row in rows}


async def record_progress(
    session: AsyncSession,
    user_id: int,
    dialog: str,
    *,
    node: str | None,
    now: datetime,
    done: bool = False,
) -> None:
    """Remember where a conversation stands, in one upsert; once done, it stays done."""
    dialect = session.get_bind().dialect.name
    await session.exec(
        progress_upsert(dialect, done),
        params=progress_values(user_id, dialog, node=node, now=now, done=done),
    )


def progress_values(
    user_id: int, dialog: str, *, node: str | None, now: datetime, done: bool
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "dialog": dialog,
        "node": None if done else node,
        "status": DONE if done else IN_PROGRESS,
        "updated_at": now,
    }


def state_values(user_id: int, state: DialogState, version: int, now: datetime) -> dict[str, Any]:
    """Parameters of `SAVE_STATE`: move from `version` to `version + 1`."""
    return {
        "uid": user_id,
        "old_version": version,
        "dialog": state.dialog,
        "node": state.node,
        "awaiting_share": state.awaiting_share,
        "version": version + 1,
        "updated_at": now,
    }


@cache
def progress_upsert(dialect: str, done: bool) -> Any:
    """The progress upsert for one dialect, built once with bound parameters."""
    table = DialogProgress.__table__
    stmt = _dialect_insert(dialect)(DialogProgress)
    keep_done = case((table.c.status == DONE, table.c.node), else_=stmt.excluded.node)
    changes = {"status": DONE, "node": None} if done else {"node": keep_done}
    return stmt.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.dialog],
        set_={**changes, "updated_at": stmt.excluded.updated_at},
    )


def upsert(session: AsyncSession, model: type[SQLModel]) -> Any:
    """`INSERT ... ON CONFLICT` in the dialect of the session's database."""
    return _dialect_insert(session.get_bind().dialect.name)(model)


def _dialect_insert(dialect: str) -> Any:
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def run_alone(
    sessions: async_sessionmaker[AsyncSession],
    statement: Any,
    params: dict[str, Any],
    *,
    rows: bool = False,
) -> Any:
    """One statement that is atomic on its own, in a transaction of its own.

    On PostgreSQL it runs in autocommit: one round trip instead of three
    (BEGIN, the statement, COMMIT). On SQLite it takes the write lock as every
    transaction there does. Returns the result (its `rowcount` is set), or
    with `rows` the rows it returned, read before the connection goes back.
    """
    async with sessions() as session:
        if is_postgres(session):
            autocommit = {"isolation_level": "AUTOCOMMIT"}
            connection = await session.connection(execution_options=autocommit)
            result = await connection.execute(statement, params)
            return result.all() if rows else result
        async with session.begin():
            result = await session.exec(statement, params=params)  # type: ignore[call-overload]
            return result.all() if rows else result


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignoring_duplicates(session: AsyncSession, table: Table) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING` on the session's database."""
    return _dialect_insert(session.get_bind().dialect.name)(table).on_conflict_do_nothing()


def skip_locked(session: AsyncSession, query: S, *, of: Any = None) -> S:
    """Lock the rows `query` selects until the transaction ends, passing over rows
    another transaction holds, so two processes never take the same row.

    `FOR UPDATE SKIP LOCKED` on PostgreSQL (`of`: the table to lock in a join);
    SQLite needs nothing, a write transaction there holds the whole database
    from `BEGIN IMMEDIATE` on.
    """
    if not is_postgres(session):
        return query
    return query.with_for_update(skip_locked=True, of=of)


async def update_each(
    session: AsyncSession, statement: Any, params: Sequence[dict[str, Any]]
) -> int:
    """Run an UPDATE once per parameter set (one round trip); returns how many
    sets the database reports as having matched no row.

    A driver that cannot count the rows of a batched statement reports none
    missed: callers use this to check what their locks already promise, not
    as the lock itself.
    """
    result = await session.exec(statement, params=list(params))
    if not session.get_bind().dialect.supports_sane_multi_rowcount:
        return 0
    return len(params) - result.rowcount


async def latest_reflection(
    session: AsyncSession, user_id: int, dialog: str, node: str
) -> Reflection | None:
    query = (
        select(Reflection)
        .where(Reflection.user_id == user_id, Reflection.dialog == dialog, Reflection.node == node)
        .order_by(col(Reflection.id).desc())
    )
    return (await session.exec(query)).first()
