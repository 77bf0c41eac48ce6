"""Stage a turn's messages in its transaction; send each exactly once afterwards.

The same four steps the check-ins use, for every message a turn decides:

1. **stage**: in the turn's own transaction the messages are inserted as
   `queued`, owned by this process with a lease; a turn that rolls back
   leaves none, a turn that commits has all of them on record;
2. **admit**: right before the request (after pacing), `queued -> sending`,
   only by the owner, so two senders never both send it;
3. **outcome**: `sent` (the body is dropped), a final refusal, or — when the
   request certainly did not arrive (a 500, no connection) — back to
   `queued` with a growing pause, to be tried again;
4. **reclaim**: a periodic job takes over `queued` rows whose lease ran out
   (their process died, or their pause is over) and marks `sending` rows of
   a dead process `unknown`: they may have arrived, so they are never repeated.

So a crash loses no message a committed turn decided, and no message is sent twice.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.outputs import KeyButton
from bot.outbox.models import FAILED, QUEUED, REPLY, SENDING, SENT, UNKNOWN, OutboxMessage
from bot.sending import Outcome
from bot.storage.repo import run_alone
from bot.storage.types import utcnow
from bot.turn import Outbound

log = logging.getLogger(__name__)

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
REF_PREFIX = "outbox:"
LEASE = timedelta(seconds=30)
"""A queued message whose owner stopped renewing is taken over after this."""
MAX_ATTEMPTS = 8
"""Tries through an outage: the pauses between them add up to about four hours."""
FIRST_PAUSE = timedelta(seconds=2)
BATCH = 100

STAGE = insert(OUTBOX)
STAGE_COLUMNS = (
    "user_id",
    "chat_id",
    "body",
    "lane",
    "status",
    "owner",
    "lease_until",
    "attempts",
    "created_at",
)


_MINE = (
    OUTBOX.c.id == bindparam("b_id"),
    OUTBOX.c.owner == bindparam("b_owner"),
)
ADMIT = (
    update(OUTBOX)
    .where(*_MINE, OUTBOX.c.status == QUEUED)
    .values(status=SENDING, attempts=OUTBOX.c.attempts + 1, lease_until=bindparam("b_lease"))
)
FINISH = (
    update(OUTBOX)
    .where(*_MINE, OUTBOX.c.status == SENDING)
    .values(status=bindparam("b_status"), body=None, sent_at=bindparam("b_sent"))
)


def outbox_id(ref: str | None) -> int | None:
    if ref is None or not ref.startswith(REF_PREFIX):
        return None
    tail = ref.removeprefix(REF_PREFIX)
    return int(tail) if tail.isdigit() else None


def encode(out: Outbound) -> str:
    keyboard = [[[b.label, b.data] for b in row] for row in out.keyboard]
    return json.dumps({"text": out.text, "keyboard": keyboard, "notice": out.notice})


def decode(row_id: int, user_id: int, chat_id: int, body: str) -> Outbound:
    data = json.loads(body)
    keyboard = tuple(
        tuple(KeyButton(label, payload) for label, payload in row) for row in data["keyboard"]
    )
    return Outbound(
        chat_id,
        user_id,
        data["text"],
        keyboard,
        notice=bool(data.get("notice")),
        ref=f"{REF_PREFIX}{row_id}",
    )


def stageable(out: Outbound) -> bool:
    """Attachments (a /mydata file, a picture) are sent as they are, not kept as bytes."""
    return out.attachment is None and out.ref is None and bool(out.text)


class Outbox:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Any = utcnow,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.owner = owner or uuid.uuid4().hex[:16]
        self.lease = lease
        self.direct: Any = None
        """The embedded database's fast path (`DirectSqlite`), when there is one:
        admitting and recording a message then costs ~0.1 ms instead of an ORM session."""

    # -- 1. stage (inside the turn's transaction) ------------------------------

    def _row(self, out: Outbound, now: datetime, lane: str) -> dict[str, Any]:
        return {
            "user_id": out.user_id,
            "chat_id": out.chat_id,
            "body": encode(out),
            "lane": lane,
            "status": QUEUED,
            "owner": self.owner,
            "lease_until": now + self.lease,
            "attempts": 0,
            "created_at": now,
        }

    async def stage(
        self, session: AsyncSession, outs: Sequence[Outbound], now: datetime, lane: str = REPLY
    ) -> list[Outbound]:
        """Put `outs` on record in `session`'s transaction; returns them carrying their ids."""
        staged: list[Outbound] = []
        for out in outs:
            if not stageable(out):
                staged.append(out)
                continue
            result = await session.exec(  # type: ignore[call-overload]
                insert(OUTBOX).values(self._row(out, now, lane)).returning(OUTBOX.c.id)
            )
            staged.append(_with_ref(out, result.scalar_one()))
        return staged

    def stage_on_connection(
        self,
        connection: sqlite3.Connection,
        prepared: Any,
        outs: Sequence[Outbound],
        now: datetime,
        lane: str = REPLY,
    ) -> list[Outbound]:
        """The same on the embedded database's fast path (`prepared` compiles `STAGE`)."""
        staged: list[Outbound] = []
        for out in outs:
            if not stageable(out):
                staged.append(out)
                continue
            cursor = prepared.execute(connection, **self._row(out, now, lane))
            staged.append(_with_ref(out, int(cursor.lastrowid)))
        return staged

    # -- 2. and 3. admit and outcome (SendHooks) --------------------------------

    async def admit(self, out: Outbound) -> bool:
        row_id = outbox_id(out.ref)
        if row_id is None:
            return True
        params = {"b_id": row_id, "b_owner": self.owner, "b_lease": self.clock() + self.lease}
        if self.direct is not None:
            async with self.direct.transaction() as connection:
                return bool(self.direct.prepared(ADMIT).execute(connection, **params).rowcount == 1)
        result = await run_alone(self.sessions, ADMIT, params)
        return bool(result.rowcount == 1)

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        row_id = outbox_id(out.ref)
        if row_id is None or outcome is Outcome.CANCELLED:
            return
        now = self.clock()
        if outcome is not Outcome.FAILED:
            params = {
                "b_id": row_id,
                "b_owner": self.owner,
                "b_status": outcome.value,
                "b_sent": now if outcome is Outcome.SENT else None,
            }
            if self.direct is not None:
                async with self.direct.transaction() as connection:
                    self.direct.prepared(FINISH).execute(connection, **params)
                return
            await run_alone(self.sessions, FINISH, params)
            return
        mine = (OUTBOX.c.id == row_id, OUTBOX.c.owner == self.owner, OUTBOX.c.status == SENDING)
        async with self.sessions() as session, session.begin():
            attempts = (
                await session.exec(select(OUTBOX.c.attempts).where(*mine))  # type: ignore[call-overload]
            ).scalar_one_or_none()
            if attempts is None:
                return
            if attempts < MAX_ATTEMPTS:
                pause = FIRST_PAUSE * 2 ** (attempts - 1)
                values: dict[str, Any] = {"status": QUEUED, "lease_until": now + pause}
                log.info("a message could not be sent yet; trying again in %s", pause)
            else:
                values = {"status": FAILED, "body": None}
                log.warning("gave up a message to chat %s after %d tries", out.chat_id, attempts)
            await session.exec(update(OUTBOX).where(*mine).values(**values))  # type: ignore[call-overload]

    async def sent_ages(self, chat_id: int, window: float) -> list[float]:
        """How many seconds ago each message to `chat_id` in the last `window` was sent
        (a group's per-minute budget, remembered across a restart)."""
        now = self.clock()
        when = func.coalesce(OUTBOX.c.sent_at, OUTBOX.c.created_at)
        query = select(OUTBOX.c.sent_at, OUTBOX.c.created_at).where(
            OUTBOX.c.chat_id == chat_id,
            OUTBOX.c.status.in_(
                (SENT, SENDING, UNKNOWN)
            ),  # a stopped process's last may have arrived
            when >= now - timedelta(seconds=window),
        )
        async with self.sessions() as session:
            rows = (await session.exec(query)).all()  # type: ignore[call-overload]
        return [(now - (sent or made)).total_seconds() for sent, made in rows]

    # -- 4. reclaim --------------------------------------------------------------

    async def reclaim(self, limit: int = BATCH) -> list[Outbound]:
        """Messages whose owner stopped (or whose pause is over), now ours, oldest first."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            expired = await session.exec(  # type: ignore[call-overload]
                update(OUTBOX)
                .where(OUTBOX.c.status == SENDING, OUTBOX.c.lease_until < now)
                .values(status=UNKNOWN, body=None)
            )
            if expired.rowcount:
                log.warning(
                    "%d messages were being sent when their process stopped; not repeating them",
                    expired.rowcount,
                )
            query = (
                select(
                    OUTBOX.c.id,
                    OUTBOX.c.user_id,
                    OUTBOX.c.chat_id,
                    OUTBOX.c.body,
                    OUTBOX.c.lease_until,
                )
                .where(OUTBOX.c.status == QUEUED, OUTBOX.c.lease_until < now)
                .order_by(OUTBOX.c.id)
                .limit(limit)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = (await session.exec(query)).all()  # type: ignore[call-overload]
            if not rows:
                return []
            await session.exec(  # type: ignore[call-overload]
                update(OUTBOX)
                .where(
                    OUTBOX.c.id == bindparam("b_id"),
                    OUTBOX.c.status == QUEUED,
                    OUTBOX.c.lease_until == bindparam("b_lease"),
                )
                .values(owner=self.owner, lease_until=now + self.lease),
                params=[{"b_id": r.id, "b_lease": r.lease_until} for r in rows],
            )
        return [decode(r.id, r.user_id, r.chat_id, r.body or "{}") for r in rows]

    async def renew(self) -> None:
        """Keep the fresh messages this process is about to send (not those pausing)."""
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(OUTBOX)
                .where(
                    OUTBOX.c.owner == self.owner,
                    OUTBOX.c.status.in_((QUEUED, SENDING)),
                    OUTBOX.c.attempts == 0,
                )
                .values(lease_until=self.clock() + self.lease)
            )

    async def take_over(self) -> None:
        """At start-up of the only process (SQLite): what a crash left is ours at once."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            await session.exec(  # type: ignore[call-overload]
                update(OUTBOX).where(OUTBOX.c.status == SENDING).values(status=UNKNOWN, body=None)
            )
            await session.exec(  # type: ignore[call-overload]
                update(OUTBOX)
                .where(OUTBOX.c.status == QUEUED, OUTBOX.c.attempts == 0)
                .values(lease_until=now)
            )


def _with_ref(out: Outbound, row_id: int) -> Outbound:
    return replace(out, ref=f"{REF_PREFIX}{row_id}")
