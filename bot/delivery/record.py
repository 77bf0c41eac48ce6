"""A delivery record: claim, lease, admit, done — one row per message that must arrive.

Every message Attune must deliver exactly once has a row in a table built on
this record: a turn's messages (`bot.outbox`, staged in the turn's own
transaction, job turns included) and the check-ins and weekly pictures
(`bot.nudges`, claimed by the sweep with a unique key per occurrence). The
table's columns: `id`, `user_id`, `status`, `owner`, `lease_until`,
`attempts`, `sent_at`, plus whatever the table keeps about the message.

1. **claim**: the row is inserted as CLAIMED by this process, with a lease,
   in the transaction that decided the message (the turn, or the sweep that
   moves its schedule on). A crash before the send loses nothing.
2. **lease**: a claim whose lease ran out (its process died, or the pause
   after a failed try is over) is taken over by the next `reclaim`, or
   skipped when the table says it has become too late.
3. **admit**: right before the request, CLAIMED -> SENDING, only by the
   owner; a process that lost its claim is refused, so no message is sent
   by two processes.
4. **done**: right after, the outcome: SENT, BLOCKED, REFUSED, UNKNOWN (the
   request may have arrived: never repeated), or back to CLAIMED with a
   growing pause when it certainly failed (a 500, no connection), so an
   outage of up to about a day delays a message rather than losing it. A
   SENDING row whose lease ran out is marked UNKNOWN, never sent again.

A table with a `useful_until` column has time-bound rows: one found past
that moment (by `reclaim`, or by `admit` right before the request) is marked
EXPIRED, not sent, and logged with its kind and chat (never its words). A
row that reached BLOCKED, REFUSED or FAILED (the tries gave up) is handed to
`on_undelivered` in the transaction that recorded it, so the table can tell
whoever is waiting for it (see `Outbox.tell_sender`).

Rows are read `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite's write lock
serialises the sweeps), and every take-over checks the row is still as it
was read; if not, `ClaimConflict` rolls the batch back rather than act on a
stale read. Columns named in `clear` (a message's words) are emptied as
soon as the row reaches a final state.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.batch import GroupCommit
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
EXPIRED = "expired"
BLOCKED = "blocked"
REFUSED = "refused"
UNDELIVERED = (BLOCKED, REFUSED, FAILED)
"""Final states in which the message certainly did not arrive."""
FINAL = {
    Outcome.SENT: SENT,
    Outcome.BLOCKED: BLOCKED,
    Outcome.REFUSED: REFUSED,
    Outcome.UNKNOWN: UNKNOWN,
    Outcome.SUPERSEDED: "superseded",
}

HELD = "held"
"""The owner of a claim no process has yet: it waits for its `lease_until` (a not-before
time, e.g. the end of the recipient's quiet hours), then the next `reclaim` takes it.
Neither `renew` nor `take_over` brings it forward."""

Claimed = tuple[int, int]
"""(delivery id, user id)"""
OnSent = Callable[[AsyncSession, Any], Awaitable[None]]
"""Runs in the transaction that records a SENT outcome, with the delivery row."""
OnUndelivered = Callable[[AsyncSession, Any], Awaitable[None]]
"""Runs in the transaction that records BLOCKED, REFUSED or FAILED, with the delivery row."""


@dataclass(frozen=True)
class Retry:
    """How a message that certainly failed is tried again: pauses doubling from
    `first` up to `longest`, `attempts` tries in all (the defaults: about a day)."""

    first: timedelta = timedelta(seconds=2)
    longest: timedelta = timedelta(minutes=15)
    attempts: int = 100

    def pause(self, attempts: int) -> timedelta:
        """The pause after the `attempts`-th try failed."""
        return min(self.first * 2 ** min(attempts - 1, 30), self.longest)


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
    """The delivery rows of one table in one process, and the `SendHooks` that guard them."""

    def __init__(
        self,
        model: type[SQLModel],
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        *,
        lease: timedelta,
        id_of: Callable[[str | None], int | None],
        on_sent: OnSent | None = None,
        on_undelivered: OnUndelivered | None = None,
        what: str = "message",
        retry: Retry = Retry(),
        clear: Sequence[str] = (),
        owner: str | None = None,
    ) -> None:
        self.model = model
        self.table: Table = model.__table__  # type: ignore[attr-defined]
        self.sessions = sessions
        self.clock = clock
        self.lease = lease
        self.id_of = id_of
        """The delivery id an outgoing message names (`Outbound.ref`), if any."""
        self.on_sent = on_sent
        self.on_undelivered = on_undelivered
        self.what = what
        self.retry = retry
        self.cleared: dict[str, None] = dict.fromkeys(clear)
        """Columns emptied when a row is final (what the message said)."""
        self.owner = owner or uuid.uuid4().hex[:16]
        """This process's name on its claims."""
        self.direct: Any = None
        """The embedded database's fast path (`DirectSqlite`), when there is one: admitting
        and recording a message then costs ~0.1 ms instead of an ORM session."""
        t = self.table
        self.timed = "useful_until" in t.c
        """Rows may be time-bound (`useful_until`): admit refuses, and marks, a stale one."""
        mine = (t.c.id == bindparam("b_id"), t.c.owner == bindparam("b_owner"))
        fresh = (self._fresh(bindparam("b_now")),) if self.timed else ()
        self.admitting = (
            update(t)
            .where(*mine, t.c.status == CLAIMED, *fresh)
            .values(status=SENDING, attempts=t.c.attempts + 1, lease_until=bindparam("b_lease"))
        )
        self.finishing = (
            update(t)
            .where(*mine, t.c.status == SENDING)
            .values(status=bindparam("b_status"), sent_at=bindparam("b_sent"), **self.cleared)
        )
        self._admits: GroupCommit[int, bool] = GroupCommit(self._admit_all)
        self._dones: GroupCommit[tuple[int, Outcome, int], None] = GroupCommit(self._done_all)
        """A wave's admits and outcomes, many to a transaction (see `bot.delivery.batch`);
        the embedded database's fast path writes one at a time instead (~0.1 ms each)."""

    def _fresh(self, now: Any) -> Any:
        t = self.table
        return or_(t.c.useful_until.is_(None), t.c.useful_until > now)

    # -- claiming ------------------------------------------------------------------

    def claim(self, user_id: int, now: datetime, **fields: Any) -> dict[str, Any]:
        """The values of a new row, claimed by this process, plus the table's own `fields`."""
        return {
            "user_id": user_id,
            "status": CLAIMED,
            "owner": self.owner,
            "lease_until": now + self.lease,
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
            update(t)
            .where(t.c.status == SENDING, t.c.lease_until < now)
            .values(status=UNKNOWN, **self.cleared)
        )
        if result.rowcount:
            log.warning(
                "%d %s sends were interrupted; not repeating them", result.rowcount, self.what
            )

    async def reclaim(
        self,
        session: AsyncSession,
        now: datetime,
        limit: int,
        *columns: Any,
        too_late: Callable[[Row[Any]], bool] | None = None,
        late_as: str = SKIPPED,
    ) -> list[Row[Any]]:
        """Claims whose owner vanished (or whose pause is over), oldest first: take them
        over, or mark `late_as` those `too_late` says are stale. Returns the rows taken,
        with `id`, `user_id` and `columns`."""
        t = self.table
        query = (
            select(t.c.id, t.c.user_id, t.c.lease_until, *columns)
            .where(t.c.status == CLAIMED, t.c.lease_until < now)
            .order_by(t.c.id)
            .limit(limit)
        )
        rows = (await session.exec(skip_locked(session, query))).all()
        if not rows:
            return []
        late = [r for r in rows if too_late is not None and too_late(r)]
        fresh = [r for r in rows if r not in late]
        unchanged = and_(
            t.c.id == bindparam("b_id"),
            t.c.status == CLAIMED,
            t.c.lease_until == bindparam("b_lease"),
        )
        if late:
            skipped = [
                {"b_id": r.id, "b_lease": r.lease_until, "status": late_as, **self.cleared}
                for r in late
            ]
            await guarded_update(session, t, unchanged, skipped)
        if fresh:
            lease = now + self.lease
            taken = [
                {"b_id": r.id, "b_lease": r.lease_until, "owner": self.owner, "lease_until": lease}
                for r in fresh
            ]
            await guarded_update(session, t, unchanged, taken)
        return list(fresh)

    async def renew(self) -> None:
        """Keep the fresh claims this process is about to send (not those pausing)."""
        t = self.table
        async with self.sessions() as session, session.begin():
            await session.exec(
                update(t)
                .where(t.c.owner == self.owner, t.c.status == CLAIMED, t.c.attempts == 0)
                .values(lease_until=self.clock() + self.lease)
            )

    async def take_over(self) -> None:
        """At start-up of the only process (SQLite): what a crash left is ours at once."""
        t = self.table
        async with self.sessions() as session, session.begin():
            await session.exec(
                update(t).where(t.c.status == SENDING).values(status=UNKNOWN, **self.cleared)
            )
            await session.exec(
                update(t)
                .where(t.c.status == CLAIMED, t.c.attempts == 0, t.c.owner != HELD)
                .values(lease_until=self.clock())
            )

    async def give_up(self, delivery_id: int) -> None:
        """The message could not even be made (composing failed): it will not be sent."""
        t = self.table
        async with self.sessions() as session, session.begin():
            await session.exec(
                update(t)
                .where(t.c.id == delivery_id, t.c.owner == self.owner)
                .values(status=FAILED, **self.cleared)
            )

    # -- send hooks (called by the transport) --------------------------------------

    async def admit(self, out: Outbound) -> bool:
        delivery_id = self.id_of(out.ref)
        if delivery_id is None:
            return True
        if self.direct is None:
            return await self._admits.submit(delivery_id)
        now = self.clock()
        params = {"b_id": delivery_id, "b_owner": self.owner, "b_lease": now + self.lease}
        if self.timed:
            params["b_now"] = now
        async with self.direct.transaction() as connection:
            cursor = self.direct.prepared(self.admitting).execute(connection, **params)
            admitted = bool(cursor.rowcount == 1)
        if not admitted and self.timed:
            await self._expire([delivery_id], now)
        return admitted

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        delivery_id = self.id_of(out.ref)
        if delivery_id is None or outcome is Outcome.CANCELLED:
            return
        hooked = self.on_sent is not None or (
            self.on_undelivered is not None and outcome in (Outcome.BLOCKED, Outcome.REFUSED)
        )
        if self.direct is None or outcome is Outcome.FAILED or hooked:
            await self._dones.submit((delivery_id, outcome, out.chat_id))
            return
        params = self._final(delivery_id, outcome, self.clock())
        async with self.direct.transaction() as connection:
            self.direct.prepared(self.finishing).execute(connection, **params)

    async def _admit_all(self, ids: Sequence[int]) -> list[bool]:
        """CLAIMED -> SENDING for those still ours (and still useful), in one statement;
        which ones it was. A time-bound one found stale is marked EXPIRED instead."""
        t = self.table
        now = self.clock()
        fresh = (self._fresh(now),) if self.timed else ()
        statement = (
            update(t)
            .where(t.c.id.in_(ids), t.c.status == CLAIMED, t.c.owner == self.owner, *fresh)
            .values(status=SENDING, attempts=t.c.attempts + 1, lease_until=now + self.lease)
            .returning(t.c.id)
        )
        admitted = {row.id for row in await run_alone(self.sessions, statement, {}, rows=True)}
        refused = [delivery_id for delivery_id in ids if delivery_id not in admitted]
        if refused and self.timed:
            await self._expire(refused, now)
        return [delivery_id in admitted for delivery_id in ids]

    async def _expire(self, ids: Sequence[int], now: datetime) -> None:
        """Claims of ours whose moment passed before they could be sent: never sent."""
        t = self.table
        statement = (
            update(t)
            .where(
                t.c.id.in_(ids),
                t.c.status == CLAIMED,
                t.c.owner == self.owner,
                t.c.useful_until <= now,
            )
            .values(status=EXPIRED, **self.cleared)
            .returning(t.c.id, t.c.chat_id, t.c.kind)
        )
        for row in await run_alone(self.sessions, statement, {}, rows=True):
            log_expired(self.what, row)

    async def _done_all(self, outcomes: Sequence[tuple[int, Outcome, int]]) -> list[None]:
        """Every outcome in one transaction: final, or (certainly not sent) tried again later."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            for delivery_id, outcome, chat_id in outcomes:
                if outcome is Outcome.FAILED:
                    await self._failed(session, delivery_id, chat_id, now)
                else:
                    await self._finish(session, delivery_id, outcome, now)
        return [None] * len(outcomes)

    def _final(self, delivery_id: int, outcome: Outcome, now: datetime) -> dict[str, Any]:
        return {
            "b_id": delivery_id,
            "b_owner": self.owner,
            "b_status": FINAL[outcome],
            "b_sent": now if outcome is Outcome.SENT else None,
        }

    async def _finish(
        self, session: AsyncSession, delivery_id: int, outcome: Outcome, now: datetime
    ) -> None:
        params = self._final(delivery_id, outcome, now)
        result = await session.exec(self.finishing, params=params)  # type: ignore[call-overload]
        if result.rowcount != 1:
            return
        if outcome is Outcome.SENT and self.on_sent is not None:
            await self.on_sent(session, await self._row(session, delivery_id))
        elif FINAL.get(outcome) in UNDELIVERED and self.on_undelivered is not None:
            await self.on_undelivered(session, await self._row(session, delivery_id))

    async def _row(self, session: AsyncSession, delivery_id: int) -> Row[Any]:
        t = self.table
        return (await session.exec(select(t).where(t.c.id == delivery_id))).one()  # type: ignore[no-any-return]

    async def _failed(
        self, session: AsyncSession, delivery_id: int, chat_id: int, now: datetime
    ) -> None:
        """Certainly not sent: try again after a pause, or give up after the last try."""
        t = self.table
        mine = (t.c.id == delivery_id, t.c.owner == self.owner, t.c.status == SENDING)
        attempts = (
            await session.exec(select(t.c.attempts).where(*mine))  # type: ignore[call-overload]
        ).scalar_one_or_none()
        if attempts is None:
            return
        if attempts < self.retry.attempts:
            pause = self.retry.pause(attempts)
            values: dict[str, Any] = {"status": CLAIMED, "lease_until": now + pause}
            log.info("a %s could not be sent yet; trying again in %s", self.what, pause)
        else:
            values = {"status": FAILED, **self.cleared}
            log.warning("gave up a %s to chat %s after %d tries", self.what, chat_id, attempts)
        await session.exec(update(t).where(*mine).values(**values))  # type: ignore[call-overload]
        if values["status"] == FAILED and self.on_undelivered is not None:
            await self.on_undelivered(session, await self._row(session, delivery_id))


def log_expired(what: str, row: Any) -> None:
    """Its kind and chat, never its words."""
    log.info("a %s to chat %s expired unsent (%s)", what, row.chat_id, row.kind or "no kind")


def send_hooks(*hooks: Any) -> Any:
    """The hooks of every record a batch may hold (None for none, one as it is)."""
    unique = SendHooksOf(*hooks).hooks
    if len(unique) <= 1:
        return unique[0] if unique else None
    return SendHooksOf(*unique)


class SendHooksOf:
    """Several records behind one transport: each admits and records only its own messages
    (a record says yes to, and ignores the outcome of, a message that names none of its rows)."""

    def __init__(self, *hooks: Any) -> None:
        unique: list[Any] = []
        for hook in hooks:
            if hook is not None and all(hook is not h for h in unique):
                unique.append(hook)
        self.hooks = tuple(unique)

    async def admit(self, out: Outbound) -> bool:
        for hook in self.hooks:
            if not await hook.admit(out):
                return False
        return True

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        for hook in self.hooks:
            await hook.done(out, outcome)
