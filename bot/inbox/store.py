"""The inbox's storage: receive, claim a person's lane, mark done, release.

Every function is one short transaction that works the same on SQLite and
PostgreSQL. The claim is an upsert on `inbox_lanes` that only succeeds where
no live lease exists, so two processes never own the same person.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.inbox.models import DONE, PENDING, SKIPPED, InboxLane, InboxUpdate
from bot.inbox.ticket import AlreadyHandled, Ticket
from bot.storage.repo import run_alone
from bot.storage.types import utcnow

log = logging.getLogger(__name__)

UPDATES: Table = InboxUpdate.__table__  # type: ignore[attr-defined]
LANES: Table = InboxLane.__table__  # type: ignore[attr-defined]
LEASE = timedelta(seconds=10)
"""How long a lane stays owned without renewal: another process takes over after this."""
BATCH = 20
"""Stored updates of one person read at a time."""
KEEP_DONE = timedelta(hours=25)
"""Telegram forgets an unconfirmed update after 24 hours; a tombstone must outlive that."""

WAKE_CHANNEL = "attune_inbox"
"""Notified (PostgreSQL) when updates are stored, so every process looks for work."""

MARK_DONE = (
    update(UPDATES)
    .where(UPDATES.c.update_id == bindparam("b_id"), UPDATES.c.status == PENDING)
    .values(status=DONE, payload=None, done_at=bindparam("b_now"))
)


@dataclass(frozen=True)
class Stored:
    update_id: int
    chat_id: int
    payload: str | None
    attempts: int

    def data(self) -> dict[str, Any]:
        """The update as Telegram sent it; ValueError if it cannot be read."""
        value = json.loads(self.payload or "null")
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        return value


def sender_of(update: Mapping[str, Any]) -> int:
    """The ordering key: who caused the update (their private chat), else the chat."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        for field in ("from", "user"):
            person = value.get(field)
            if isinstance(person, dict) and isinstance(person.get("id"), int):
                return int(person["id"])
        chat = value.get("chat")
        if not isinstance(chat, dict):
            message = value.get("message")
            chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return 0


def _insert(session: AsyncSession, table: Table) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


class Inbox:
    """One process's view of the inbox; `owner` names it on the lanes it holds."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Any = utcnow,
        *,
        lease: timedelta = LEASE,
        owner: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.lease = lease
        self.owner = owner or uuid.uuid4().hex[:16]
        bind = sessions.kw.get("bind")
        self.postgres = bind is not None and bind.dialect.name == "postgresql"

    # -- receiving ----------------------------------------------------------

    async def receive(self, updates: Sequence[Mapping[str, Any]]) -> None:
        """Store updates (each once, whatever arrives twice) before they are confirmed."""
        rows = [
            {
                "update_id": int(u["update_id"]),
                "chat_id": sender_of(u),
                "payload": json.dumps(u, separators=(",", ":")),
                "status": PENDING,
                "attempts": 0,
                "received_at": self.clock(),
            }
            for u in updates
            if isinstance(u.get("update_id"), int)
        ]
        if not rows:
            return
        async with self.sessions() as session, session.begin():
            await session.exec(_insert(session, UPDATES).on_conflict_do_nothing(), params=rows)  # type: ignore[call-overload]
            if session.get_bind().dialect.name == "postgresql":
                await session.exec(text(f"NOTIFY {WAKE_CHANNEL}"))  # type: ignore[call-overload]

    # -- lanes --------------------------------------------------------------

    async def claim(self, limit: int) -> dict[int, list[Stored]]:
        """Take up to `limit` people with waiting updates and no owner, oldest first,
        with the first of their updates in order."""
        now = self.clock()
        u, lane = UPDATES, LANES
        async with self.sessions() as session, session.begin():
            free = (
                select(u.c.chat_id, func.min(u.c.update_id).label("first"))
                .select_from(u.outerjoin(lane, lane.c.chat_id == u.c.chat_id))
                .where(
                    u.c.status == PENDING,
                    or_(lane.c.chat_id.is_(None), lane.c.lease_until < now),
                )
                .group_by(u.c.chat_id)
                .order_by("first")
                .limit(limit)
            )
            chats = [row.chat_id for row in (await session.exec(free)).all()]  # type: ignore[call-overload]
            if not chats:
                return {}
            upsert = _insert(session, lane).values(
                [
                    {"chat_id": c, "owner": self.owner, "lease_until": now + self.lease}
                    for c in chats
                ]
            )
            upsert = upsert.on_conflict_do_update(
                index_elements=[lane.c.chat_id],
                set_={"owner": upsert.excluded.owner, "lease_until": upsert.excluded.lease_until},
                where=lane.c.lease_until < now,
            ).returning(lane.c.chat_id)
            owned = [row.chat_id for row in (await session.exec(upsert)).all()]  # type: ignore[call-overload]
            if not owned:
                return {}
            return await _first_rows(session, owned)

    async def next_rows(self, chat_id: int, after: int) -> list[Stored]:
        """The person's next stored updates; none left releases their lane (same transaction)."""
        u = UPDATES
        query = (
            select(u.c.update_id, u.c.chat_id, u.c.payload, u.c.attempts)
            .where(u.c.chat_id == chat_id, u.c.status == PENDING, u.c.update_id > after)
            .order_by(u.c.update_id)
            .limit(BATCH)
        )
        release = delete(LANES).where(LANES.c.chat_id == chat_id, LANES.c.owner == self.owner)
        if self.postgres:
            # Each statement alone (autocommit): two round trips, not four. Under READ
            # COMMITTED the one transaction gave no more: an update stored after the
            # SELECT was not seen by it either, and the claim loop takes it up.
            rows = [Stored(*row) for row in await run_alone(self.sessions, query, {}, rows=True)]
            if not rows:
                await run_alone(self.sessions, release, {})
            return rows
        async with self.sessions() as session, session.begin():
            rows = [Stored(*row) for row in (await session.exec(query)).all()]  # type: ignore[call-overload]
            if not rows:
                await session.exec(release)  # type: ignore[call-overload]
            return rows

    async def renew(self) -> None:
        """Keep this process's lanes while it works through them."""
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(LANES)
                .where(LANES.c.owner == self.owner)
                .values(lease_until=self.clock() + self.lease)
            )

    async def release(self, chat_id: int) -> None:
        """Give one person's lane back, if it is still this process's."""
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                delete(LANES).where(LANES.c.chat_id == chat_id, LANES.c.owner == self.owner)
            )

    async def release_all(self) -> None:
        async with self.sessions() as session, session.begin():
            await session.exec(delete(LANES).where(LANES.c.owner == self.owner))  # type: ignore[call-overload]

    async def forget_lanes(self) -> None:
        """At start-up of the only process (SQLite): lanes left by a crash belong to no one."""
        async with self.sessions() as session, session.begin():
            await session.exec(delete(LANES))  # type: ignore[call-overload]

    async def waiting(self) -> int:
        """How many stored updates wait to be handled."""
        async with self.sessions() as session:
            query = select(func.count()).select_from(UPDATES).where(UPDATES.c.status == PENDING)
            return int((await session.exec(query)).one()[0])  # type: ignore[call-overload]

    # -- outcomes -----------------------------------------------------------

    async def finish(self, update_id: int) -> bool:
        """Mark done an update no turn marked (nothing of the person's changed); False
        when it was done already (an earlier attempt, or another process, handled it)."""
        done = await run_alone(self.sessions, MARK_DONE, {"b_id": update_id, "b_now": self.clock()})
        return bool(done.rowcount == 1)

    async def failed_attempt(self, update_id: int, attempt: int, *, final: bool) -> None:
        values: dict[str, Any] = {"attempts": attempt}
        if final:
            values.update(status=SKIPPED, payload=None, done_at=self.clock())
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(UPDATES)
                .where(UPDATES.c.update_id == update_id, UPDATES.c.status == PENDING)
                .values(**values)
            )

    async def skip(self, update_id: int) -> None:
        await self.failed_attempt(update_id, 0, final=True)

    async def prune(self) -> int:
        """Drop tombstones Telegram can no longer send again."""
        async with self.sessions() as session, session.begin():
            result = await session.exec(  # type: ignore[call-overload]
                delete(UPDATES).where(
                    UPDATES.c.status != PENDING, UPDATES.c.done_at < self.clock() - KEEP_DONE
                )
            )
            return int(result.rowcount or 0)


async def _first_rows(session: AsyncSession, chats: list[int]) -> dict[int, list[Stored]]:
    u = UPDATES
    rank = func.row_number().over(partition_by=u.c.chat_id, order_by=u.c.update_id).label("rank")
    ranked = (
        select(u.c.update_id, u.c.chat_id, u.c.payload, u.c.attempts, rank)
        .where(u.c.status == PENDING, u.c.chat_id.in_(chats))
        .subquery()
    )
    query = (
        select(ranked.c.update_id, ranked.c.chat_id, ranked.c.payload, ranked.c.attempts)
        .where(ranked.c.rank <= BATCH)
        .order_by(ranked.c.update_id)
    )
    found: dict[int, list[Stored]] = {chat: [] for chat in chats}
    for row in (await session.exec(query)).all():  # type: ignore[call-overload]
        found[row.chat_id].append(Stored(*row))
    return found


# -- the done mark, inside a turn's own transaction -------------------------


async def claim_in_session(session: AsyncSession, ticket: Ticket | None, now: datetime) -> bool:
    """Mark the ticket's update done in the turn's transaction; False without a ticket."""
    if ticket is None or ticket.marked:
        return False
    result = await session.exec(MARK_DONE, params={"b_id": ticket.update_id, "b_now": now})  # type: ignore[call-overload]
    if result.rowcount != 1:
        raise AlreadyHandled
    return True


def claim_on_connection(
    connection: sqlite3.Connection, prepared: Any, ticket: Ticket | None, now: datetime
) -> bool:
    """The same on the embedded database's fast path (`prepared` compiles `MARK_DONE`)."""
    if ticket is None or ticket.marked:
        return False
    if prepared.execute(connection, b_id=ticket.update_id, b_now=now).rowcount != 1:
        raise AlreadyHandled
    return True
