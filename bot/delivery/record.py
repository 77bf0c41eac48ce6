"""A delivery record: claim, lease, admit, done — one row per message a job sends.

The row's table has a unique key that names the occurrence (for check-ins:
user, stream, due time) and these columns: `id`, `user_id`, `due_at`,
`status`, `owner`, `lease_until`, `attempts`, `sent_at`.

1. **claim**: the job inserts the row as CLAIMED by this process, with a
   lease, in the same transaction that moves its own schedule on. Inserting
   ignores a key that exists, so an occurrence is claimed once, ever.
2. **lease**: a claim whose lease ran out (its process died before sending)
   is taken over by the next sweep, or skipped if it has become too late.
3. **admit**: right before the request, CLAIMED -> SENDING, only by the
   owner; a process that lost its claim is refused.
4. **done**: right after, the outcome: SENT, BLOCKED, REFUSED, UNKNOWN (the
   request may have arrived: never repeated), or back to CLAIMED with a
   backoff when it certainly failed. A SENDING row whose lease ran out is
   marked UNKNOWN, never sent again.

Rows are read `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite's write lock
serialises the sweeps), and every update checks the row is still as it was
read; if not, `ClaimConflict` rolls the batch back rather than act on a
stale read.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.sending import Outcome
from bot.storage.repo import insert_ignoring_duplicates, run_alone, skip_locked, update_each
from bot.turn import Outbound

log = logging.getLogger(__name__)

# States: claimed -> sending -> sent | blocked | refused | unknown; or skipped / failed.
CLAIMED = "claimed"
SENDING = "sending"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"
UNKNOWN = "unknown"
FINAL = {
    Outcome.SENT: SENT,
    Outcome.BLOCKED: "blocked",
    Outcome.REFUSED: "refused",
    Outcome.UNKNOWN: UNKNOWN,
    Outcome.SUPERSEDED: "superseded",
}
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)
"""After a certain failure, wait this long, doubling with each attempt."""

Claimed = tuple[int, int]
"""(delivery id, user id)"""
OnSent = Callable[[AsyncSession, Any], Awaitable[None]]
"""Runs in the transaction that records a SENT outcome, with the delivery row."""


class ClaimConflict(Exception):
    """A row changed under us (should not happen under the locks); the batch is rolled back."""


async def guarded_update(
    session: AsyncSession, table: Table, condition: Any, params: Sequence[dict[str, Any]]
) -> None:
    """UPDATE ... WHERE <the row is still as we read it>, for many rows at once.

    `params` hold the new column values plus the `b_*` values the condition
    compares with. On SQLite the write lock is held since BEGIN IMMEDIATE
    and on PostgreSQL the rows are locked FOR UPDATE, so every row must
    match; if one did not, roll everything back rather than act on a stale read.
    """
    missed = await update_each(session, update(table).where(condition), params)
    if missed:
        raise ClaimConflict(f"{missed} rows changed while claiming")


class DeliveryRecord:
    """The delivery rows of one job in one process, and the `SendHooks` that guard them."""

    def __init__(
        self,
        model: type[SQLModel],
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        *,
        lease: timedelta,
        id_of: Callable[[str | None], int | None],
        on_sent: OnSent | None = None,
        what: str = "message",
    ) -> None:
        self.model = model
        self.table: Table = model.__table__  # type: ignore[attr-defined]
        self.sessions = sessions
        self.clock = clock
        self.lease = lease
        self.id_of = id_of
        """The delivery id an outgoing message names (`Outbound.ref`), if any."""
        self.on_sent = on_sent
        self.what = what
        self.owner = uuid.uuid4().hex[:16]
        """This process's name on its claims."""

    # -- claiming ------------------------------------------------------------------

    def claim(self, user_id: int, due_at: datetime, now: datetime, **fields: Any) -> dict[str, Any]:
        """The values of a new row, claimed by this process (insert them with `insert`)."""
        return {
            "user_id": user_id,
            "due_at": due_at,
            "status": CLAIMED,
            "owner": self.owner,
            "lease_until": now + self.lease,
            "claimed_at": now,
            "attempts": 0,
            **fields,
        }

    async def insert(self, session: AsyncSession, rows: list[dict[str, Any]]) -> list[Claimed]:
        """Insert with the unique key; a key that exists already (sent before) is not sent again."""
        if not rows:
            return []
        t = self.table
        statement = insert_ignoring_duplicates(session, t).returning(t.c.id, t.c.user_id)
        result = await session.exec(statement, params=rows)
        inserted = [(r.id, r.user_id) for r in result.all()]
        if len(inserted) < len(rows):
            log.warning(
                "%d %ss were already delivered; skipped", len(rows) - len(inserted), self.what
            )
        return inserted

    # -- recovery -------------------------------------------------------------------

    async def expire_sends(self, session: AsyncSession, now: datetime) -> None:
        """A send whose process died mid-request may have arrived: never repeat it."""
        t = self.table
        result = await session.exec(
            update(t).where(t.c.status == SENDING, t.c.lease_until < now).values(status=UNKNOWN)
        )
        if result.rowcount:
            log.warning(
                "%d %s sends were interrupted; not repeating them", result.rowcount, self.what
            )

    async def reclaim(
        self, session: AsyncSession, now: datetime, limit: int, grace: timedelta
    ) -> list[Claimed]:
        """Claims whose owner vanished before sending: take them over, or skip if too late."""
        t = self.table
        query = (
            select(t.c.id, t.c.user_id, t.c.due_at, t.c.lease_until)
            .where(t.c.status == CLAIMED, t.c.lease_until < now)
            .order_by(t.c.lease_until)
            .limit(limit)
        )
        rows = (await session.exec(skip_locked(session, query))).all()
        if not rows:
            return []
        late = [r for r in rows if now - r.due_at > grace]
        fresh = [r for r in rows if now - r.due_at <= grace]
        unchanged = and_(
            t.c.id == bindparam("b_id"),
            t.c.status == CLAIMED,
            t.c.lease_until == bindparam("b_lease"),
        )
        if late:
            skipped = [{"b_id": r.id, "b_lease": r.lease_until, "status": SKIPPED} for r in late]
            await guarded_update(session, t, unchanged, skipped)
        if fresh:
            lease = now + self.lease
            taken = [
                {"b_id": r.id, "b_lease": r.lease_until, "owner": self.owner, "lease_until": lease}
                for r in fresh
            ]
            await guarded_update(session, t, unchanged, taken)
            log.info("took over %d %ss from a stopped process", len(fresh), self.what)
        return [(r.id, r.user_id) for r in fresh]

    async def give_up(self, delivery_id: int) -> None:
        """The message could not even be made (composing failed): it will not be sent."""
        t = self.table
        async with self.sessions() as session, session.begin():
            await session.exec(
                update(t)
                .where(t.c.id == delivery_id, t.c.owner == self.owner)
                .values(status=FAILED)
            )

    # -- send hooks (called by the transport) --------------------------------------

    async def admit(self, out: Outbound) -> bool:
        delivery_id = self.id_of(out.ref)
        if delivery_id is None:
            return True
        t = self.table
        now = self.clock()
        statement = (
            update(t)
            .where(t.c.id == delivery_id, t.c.status == CLAIMED, t.c.owner == self.owner)
            .values(status=SENDING, attempts=t.c.attempts + 1, lease_until=now + self.lease)
        )
        result = await run_alone(self.sessions, statement, {})
        return bool(result.rowcount == 1)

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        delivery_id = self.id_of(out.ref)
        if delivery_id is None or outcome is Outcome.CANCELLED:
            return
        now = self.clock()
        async with self.sessions() as session, session.begin():
            delivery: Any = await session.get(self.model, delivery_id)
            if delivery is None or delivery.owner != self.owner:
                return
            if outcome is Outcome.FAILED:
                if delivery.attempts < MAX_ATTEMPTS:
                    delivery.status = CLAIMED  # certainly not sent: try again later
                    delivery.lease_until = now + RETRY_AFTER * 2 ** (delivery.attempts - 1)
                else:
                    delivery.status = FAILED
            else:
                delivery.status = FINAL[outcome]
                if outcome is Outcome.SENT:
                    delivery.sent_at = now
                    if self.on_sent is not None:
                        await self.on_sent(session, delivery)
            session.add(delivery)
