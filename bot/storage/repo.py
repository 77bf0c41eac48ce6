"""Queries the core needs, written once for SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.state import DialogState
from bot.storage.models import DialogProgress, DialogSession, Reflection, User

DONE = "done"
IN_PROGRESS = "in_progress"


async def ensure_user(
    session: AsyncSession,
    user_id: int,
    chat_id: int,
    first_name: str,
    lang: str,
    now: datetime,
) -> tuple[User, bool]:
    """The person's row, created on first contact. Returns (user, created)."""
    user = await session.get(User, user_id)
    if user is not None:
        if not user.active or user.chat_id != chat_id:
            user.active, user.chat_id = True, chat_id
            session.add(user)
        return user, False
    # Two first messages at once (two workers) must not collide on the key.
    inserted = await session.exec(
        upsert(session, User)
        .values(
            id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            lang=lang,
            active=True,
            created_at=now,
        )
        .on_conflict_do_nothing()
    )
    await session.exec(
        upsert(session, DialogSession)
        .values(user_id=user_id, awaiting_share=False, version=0, updated_at=now)
        .on_conflict_do_nothing()
    )
    user = await session.get(User, user_id)
    assert user is not None
    return user, inserted.rowcount == 1


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
    result = await session.exec(
        _SAVE_STATE,
        params={
            "uid": user_id,
            "old_version": version,
            "dialog": state.dialog,
            "node": state.node,
            "awaiting_share": state.awaiting_share,
            "version": version + 1,
            "updated_at": now,
        },
    )
    return result.rowcount == 1


_SAVE_STATE = (
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
        _progress_upsert(dialect, done),
        params={
            "user_id": user_id,
            "dialog": dialog,
            "node": None if done else node,
            "status": DONE if done else IN_PROGRESS,
            "updated_at": now,
        },
    )


@cache
def _progress_upsert(dialect: str, done: bool) -> Any:
    """The progress upsert for one dialect, built once with bound parameters."""
    table = DialogProgress.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(DialogProgress)
    keep_done = case((table.c.status == DONE, table.c.node), else_=stmt.excluded.node)
    changes = {"status": DONE, "node": None} if done else {"node": keep_done}
    return stmt.on_conflict_do_update(
        index_elements=[table.c.user_id, table.c.dialog],
        set_={**changes, "updated_at": stmt.excluded.updated_at},
    )


def upsert(session: AsyncSession, model: type[SQLModel]) -> Any:
    """`INSERT ... ON CONFLICT` in the dialect of the session's database."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(model)


async def latest_reflection(
    session: AsyncSession, user_id: int, dialog: str, node: str
) -> Reflection | None:
    query = (
        select(Reflection)
        .where(Reflection.user_id == user_id, Reflection.dialog == dialog, Reflection.node == node)
        .order_by(col(Reflection.id).desc())
    )
    return (await session.exec(query)).first()
