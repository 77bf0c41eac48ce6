"""The sweep: claim due check-ins atomically, compose them, and record every send.

One periodic job per process. Each run:

1. gives newcomers the default schedule;
2. marks sends whose process died mid-request as UNKNOWN (never resent), and
   takes over claims whose lease ran out (their process died before sending);
3. claims due schedule rows — `FOR UPDATE SKIP LOCKED` on PostgreSQL, a
   conditional update under SQLite's write lock — advancing each to its next
   due time and inserting a delivery row whose unique key is
   (user, stream, due time), all in one transaction;
4. composes each claimed check-in in the person's own transaction.

The transport then sends them, calling `admit` right before each request
(claimed -> sending, only by the owner) and `done` right after. Together:
two processes never send the same check-in, a crash before a send loses
nothing (the lease expires and it is claimed again), and a crash during a
send never repeats it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.engine import Row
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.nudges.compose import Composer
from bot.nudges.context import Nudging
from bot.nudges.models import (
    CLAIMED,
    FAILED,
    NUDGE,
    SENDING,
    SENT,
    SKIPPED,
    SUMMARY,
    UNKNOWN,
    NudgeDelivery,
    NudgeSchedule,
    delivery_id_of,
)
from bot.nudges.plan import Due, plan_nudge, plan_summary
from bot.nudges.schedule import Quiet, Rhythm
from bot.nudges.store import ensure_schedules, rhythm_days
from bot.plugins import Jobs, Periodic
from bot.sending import Outcome
from bot.storage.models import User
from bot.storage.repo import insert_ignoring_duplicates, skip_locked, update_each
from bot.turn import Outbound

log = logging.getLogger(__name__)

SCHEDULES: Table = NudgeSchedule.__table__  # type: ignore[attr-defined]
DELIVERIES: Table = NudgeDelivery.__table__  # type: ignore[attr-defined]
USERS: Table = User.__table__  # type: ignore[attr-defined]
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)
BACKFILL_EVERY = timedelta(minutes=1)
"""Newcomers get their default schedule within a minute (their first check-in is a day away)."""
FINAL = {
    Outcome.SENT: SENT,
    Outcome.BLOCKED: "blocked",
    Outcome.REFUSED: "refused",
    Outcome.UNKNOWN: UNKNOWN,
}

Claimed = tuple[int, int]
"""(delivery id, user id)"""


class ClaimConflict(Exception):
    """A row changed under us (should not happen under the locks); the batch is rolled back."""


class Sweep:
    def __init__(
        self, jobs: Jobs, settings: Settings, nudging: Nudging, composer: Composer
    ) -> None:
        self.jobs = jobs
        self.settings = settings
        self.nudging = nudging
        self.composer = composer
        self.owner = uuid.uuid4().hex[:16]
        """This process's name on its claims."""
        self._backfilled_at: datetime | None = None

    def periodic(self) -> Periodic:
        settings = self.settings
        return Periodic(
            "nudges",
            settings.nudge_sweep_seconds,
            self.run,
            hooks=self,
            concurrency=settings.telegram_send_concurrency,
        )

    # -- the job ------------------------------------------------------------------

    async def run(self) -> list[Outbound]:
        claimed = await self.claim(self.jobs.clock())
        outs: list[Outbound] = []
        for delivery_id, user_id in claimed:
            outs.extend(await self._compose(delivery_id, user_id))
        return outs

    async def _compose(self, delivery_id: int, user_id: int) -> list[Outbound]:
        """One person's check-in in their own transaction; a failure stays with that one."""

        async def compose(turn: Any) -> None:
            await self.composer.compose(turn, delivery_id, self.owner)

        try:
            return await self.jobs.for_user(user_id, compose)
        except Exception:
            log.exception("could not compose check-in %s; it will not be sent", delivery_id)
            async with self.jobs.sessions() as session, session.begin():
                await session.exec(
                    update(DELIVERIES)
                    .where(DELIVERIES.c.id == delivery_id, DELIVERIES.c.owner == self.owner)
                    .values(status=FAILED)
                )
            return []

    async def claim(self, now: datetime) -> list[Claimed]:
        """Everything this process should send now, already reserved in the database."""
        sessions = self.jobs.sessions
        if self._backfilled_at is None or not now - BACKFILL_EVERY < self._backfilled_at <= now:
            async with sessions() as session, session.begin():
                await ensure_schedules(session, now, self.nudging.default_tz)
            self._backfilled_at = now
        async with sessions() as session, session.begin():
            await self._expire_sends(session, now)
            claimed = await self._reclaim(session, now, self.nudging.batch)
        for claim in (self._claim_nudges, self._claim_summaries):
            budget = self.nudging.batch - len(claimed)
            if budget <= 0:
                break
            async with sessions() as session, session.begin():
                claimed += await claim(session, now, budget)
        return claimed

    # -- recovery -------------------------------------------------------------------

    async def _expire_sends(self, session: AsyncSession, now: datetime) -> None:
        """A send whose process died mid-request may have arrived: never repeat it."""
        result = await session.exec(
            update(DELIVERIES)
            .where(DELIVERIES.c.status == SENDING, DELIVERIES.c.lease_until < now)
            .values(status=UNKNOWN)
        )
        if result.rowcount:
            log.warning("%d check-in sends were interrupted; not repeating them", result.rowcount)

    async def _reclaim(self, session: AsyncSession, now: datetime, limit: int) -> list[Claimed]:
        """Claims whose owner vanished before sending: take them over, or skip if too late."""
        query = (
            select(
                DELIVERIES.c.id, DELIVERIES.c.user_id, DELIVERIES.c.due_at, DELIVERIES.c.lease_until
            )
            .where(DELIVERIES.c.status == CLAIMED, DELIVERIES.c.lease_until < now)
            .order_by(DELIVERIES.c.lease_until)
            .limit(limit)
        )
        rows = (await session.exec(skip_locked(session, query))).all()
        if not rows:
            return []
        late = [r for r in rows if now - r.due_at > self.nudging.grace]
        fresh = [r for r in rows if now - r.due_at <= self.nudging.grace]
        if late:
            await self._guarded_update(
                session,
                DELIVERIES,
                _unchanged_claim(),
                [{"b_id": r.id, "b_lease": r.lease_until, "status": SKIPPED} for r in late],
            )
        if fresh:
            lease = now + self.nudging.lease
            await self._guarded_update(
                session,
                DELIVERIES,
                _unchanged_claim(),
                [
                    {
                        "b_id": r.id,
                        "b_lease": r.lease_until,
                        "owner": self.owner,
                        "lease_until": lease,
                    }
                    for r in fresh
                ],
            )
            log.info("took over %d check-ins from a stopped process", len(fresh))
        return [(r.id, r.user_id) for r in fresh]

    # -- claiming ------------------------------------------------------------------

    async def _claim_nudges(
        self, session: AsyncSession, now: datetime, limit: int
    ) -> list[Claimed]:
        s = SCHEDULES
        rows = await _lock_due(
            session,
            s.c.next_due_at,
            now,
            limit,
            s.c.days,
            s.c.minute,
            s.c.stride,
            s.c.unanswered,
            s.c.last_nudged_at,
            s.c.regular_due_at,
            s.c.snooze_until,
            s.c.snooze_of,
        )
        if not rows:
            return []
        updates: list[dict[str, Any]] = []
        deliveries: list[dict[str, Any]] = []
        skipped: dict[str, int] = {}
        for row in rows:
            plan = plan_nudge(self._due(row), now, self.nudging.grace)
            keep_snooze = plan.snooze_until is not None
            updates.append(
                {
                    "b_user": row.user_id,
                    "b_due": row.next_due_at,
                    "regular_due_at": plan.regular_due_at,
                    "snooze_until": plan.snooze_until,
                    "snooze_of": row.snooze_of if keep_snooze else None,
                    "next_due_at": plan.next_due_at,
                    "stride": plan.stride,
                    "unanswered": plan.unanswered,
                    "last_nudged_at": plan.last_nudged_at,
                }
            )
            if plan.send:
                deliveries.append(
                    self._delivery(
                        row.user_id,
                        NUDGE,
                        plan.due_at,
                        now,
                        snooze_of=row.snooze_of if plan.snoozed else None,
                        backoff_note=plan.backoff,
                    )
                )
            else:
                skipped[plan.reason] = skipped.get(plan.reason, 0) + 1
        await self._guarded_update(
            session,
            SCHEDULES,
            and_(s.c.user_id == bindparam("b_user"), s.c.next_due_at == bindparam("b_due")),
            updates,
        )
        if skipped:
            log.info("check-ins not sent: %s", skipped)
        return await self._insert_deliveries(session, deliveries)

    async def _claim_summaries(
        self, session: AsyncSession, now: datetime, limit: int
    ) -> list[Claimed]:
        s = SCHEDULES
        rows = await _lock_due(session, s.c.summary_due_at, now, limit)
        if not rows:
            return []
        updates, deliveries = [], []
        for row in rows:
            plan = plan_summary(
                row.summary_due_at,
                row.timezone or self.nudging.default_tz,
                _quiet(row),
                row.nudges_paused_until,
                row.active,
                now,
                self.nudging.grace,
            )
            updates.append(
                {
                    "b_user": row.user_id,
                    "b_due": row.summary_due_at,
                    "summary_due_at": plan.next_due_at,
                }
            )
            if plan.send:
                deliveries.append(self._delivery(row.user_id, SUMMARY, plan.due_at, now))
        await self._guarded_update(
            session,
            SCHEDULES,
            and_(s.c.user_id == bindparam("b_user"), s.c.summary_due_at == bindparam("b_due")),
            updates,
        )
        return await self._insert_deliveries(session, deliveries)

    def _due(self, row: Row[Any]) -> Due:
        rhythm = Rhythm(
            rhythm_days(row.days),
            row.minute,
            row.timezone or self.nudging.default_tz,
            _quiet(row),
            row.stride,
        )
        return Due(
            rhythm,
            row.regular_due_at,
            row.snooze_until,
            row.unanswered,
            row.last_nudged_at,
            row.nudges_paused_until,
            row.active,
        )

    def _delivery(
        self,
        user_id: int,
        stream: str,
        due_at: datetime,
        now: datetime,
        *,
        snooze_of: int | None = None,
        backoff_note: bool = False,
    ) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "stream": stream,
            "due_at": due_at,
            "status": CLAIMED,
            "owner": self.owner,
            "lease_until": now + self.nudging.lease,
            "claimed_at": now,
            "attempts": 0,
            "snooze_of": snooze_of,
            "backoff_note": backoff_note,
        }

    async def _insert_deliveries(
        self, session: AsyncSession, rows: list[dict[str, Any]]
    ) -> list[Claimed]:
        """Insert with the unique key; a key that exists already (sent before) is not sent again."""
        if not rows:
            return []
        statement = insert_ignoring_duplicates(session, DELIVERIES).returning(
            DELIVERIES.c.id, DELIVERIES.c.user_id
        )
        result = await session.exec(statement, params=rows)
        inserted = [(r.id, r.user_id) for r in result.all()]
        if len(inserted) < len(rows):
            log.warning("%d check-ins were already delivered; skipped", len(rows) - len(inserted))
        return inserted

    async def _guarded_update(
        self,
        session: AsyncSession,
        table: Table,
        condition: Any,
        params: Sequence[dict[str, Any]],
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

    # -- send hooks (called by the transport) --------------------------------------

    async def admit(self, out: Outbound) -> bool:
        delivery_id = delivery_id_of(out.ref)
        if delivery_id is None:
            return True
        now = self.jobs.clock()
        async with self.jobs.sessions() as session, session.begin():
            result = await session.exec(
                update(DELIVERIES)
                .where(
                    DELIVERIES.c.id == delivery_id,
                    DELIVERIES.c.status == CLAIMED,
                    DELIVERIES.c.owner == self.owner,
                )
                .values(
                    status=SENDING,
                    attempts=DELIVERIES.c.attempts + 1,
                    lease_until=now + self.nudging.lease,
                )
            )
            return result.rowcount == 1

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        delivery_id = delivery_id_of(out.ref)
        if delivery_id is None or outcome is Outcome.CANCELLED:
            return
        now = self.jobs.clock()
        async with self.jobs.sessions() as session, session.begin():
            delivery = await session.get(NudgeDelivery, delivery_id)
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
                    if delivery.stream == NUDGE:
                        await session.exec(
                            update(SCHEDULES)
                            .where(SCHEDULES.c.user_id == delivery.user_id)
                            .values(unanswered=SCHEDULES.c.unanswered + 1)
                        )
            session.add(delivery)


def _unchanged_claim() -> Any:
    return and_(
        DELIVERIES.c.id == bindparam("b_id"),
        DELIVERIES.c.status == CLAIMED,
        DELIVERIES.c.lease_until == bindparam("b_lease"),
    )


def _quiet(row: Row[Any]) -> Quiet | None:
    if row.quiet_start is None or row.quiet_end is None:
        return None
    return Quiet(row.quiet_start, row.quiet_end)


async def _lock_due(
    session: AsyncSession, due: Any, now: datetime, limit: int, *extra: Any
) -> Sequence[Any]:
    """Schedule rows whose `due` column has come, oldest first, with what every claim
    needs about the person; locked (skipping rows another process holds) on PostgreSQL.
    """
    s, u = SCHEDULES, USERS
    query = (
        select(
            s.c.user_id,
            due,
            s.c.quiet_start,
            s.c.quiet_end,
            *extra,
            u.c.timezone,
            u.c.nudges_paused_until,
            u.c.active,
        )
        .join(u, u.c.id == s.c.user_id)
        .where(due <= now)
        .order_by(due)
        .limit(limit)
    )
    return (await session.exec(skip_locked(session, query, of=s))).all()
