"""Check-in planning: which check-ins and weekly pictures are due, claimed exactly once.

One periodic job per process. Each run:

1. gives newcomers the default schedule;
2. lets the delivery record recover: sends whose process died mid-request
   become UNKNOWN (never resent), claims whose lease ran out are taken over;
3. claims due schedule rows — `FOR UPDATE SKIP LOCKED` on PostgreSQL, a
   conditional update under SQLite's write lock — advancing each to its next
   due time (`plan_nudge`, `plan_summary`) and inserting a delivery row whose
   unique key is (user, stream, due time), all in one transaction;
4. composes each claimed check-in in the person's own transaction.

The exactly-once part (claim, lease, admit, done) is `bot.delivery.record`;
the transport calls its `admit` and `done` around each request.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.engine import Row
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery.record import Claimed, DeliveryRecord, guarded_update
from bot.nudges.compose import Composer
from bot.nudges.context import Nudging
from bot.nudges.models import (
    NUDGE,
    SUMMARY,
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
from bot.storage.repo import skip_locked
from bot.turn import Outbound

log = logging.getLogger(__name__)

SCHEDULES: Table = NudgeSchedule.__table__  # type: ignore[attr-defined]
USERS: Table = User.__table__  # type: ignore[attr-defined]
DELIVERIES: Table = NudgeDelivery.__table__  # type: ignore[attr-defined]
BACKFILL_EVERY = timedelta(minutes=1)
"""Newcomers get their default schedule within a minute (their first check-in is a day away)."""


class Sweep:
    """The check-in job: plans what is due and hands each send to its delivery record.

    It is also the transport's `SendHooks` for check-ins (`admit` and `done`
    are the record's), so the record and the job cannot be wired apart.
    """

    def __init__(
        self, jobs: Jobs, settings: Settings, nudging: Nudging, composer: Composer
    ) -> None:
        self.jobs = jobs
        self.settings = settings
        self.nudging = nudging
        self.composer = composer
        self.record = DeliveryRecord(
            NudgeDelivery,
            jobs.sessions,
            jobs.clock,
            lease=nudging.lease,
            id_of=delivery_id_of,
            on_sent=_count_unanswered,
            what="check-in",
        )
        self._backfilled_at: datetime | None = None

    @property
    def owner(self) -> str:
        """This process's name on its claims."""
        return self.record.owner

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
            await self.record.give_up(delivery_id)
            return []

    async def claim(self, now: datetime) -> list[Claimed]:
        """Everything this process should send now, already reserved in the database."""
        sessions = self.jobs.sessions
        if self._backfilled_at is None or not now - BACKFILL_EVERY < self._backfilled_at <= now:
            async with sessions() as session, session.begin():
                await ensure_schedules(session, now, self.nudging.default_tz)
            self._backfilled_at = now
        async with sessions() as session, session.begin():
            await self.record.expire_sends(session, now)
            claimed = await self._reclaim(session, now)
        for claim in (self._claim_nudges, self._claim_summaries):
            budget = self.nudging.batch - len(claimed)
            if budget <= 0:
                break
            async with sessions() as session, session.begin():
                claimed += await claim(session, now, budget)
        return claimed

    async def _reclaim(self, session: AsyncSession, now: datetime) -> list[Claimed]:
        """Claims a stopped process left, or whose pause after a failed try is over.

        A check-in found more than the grace window late is skipped (its question
        is about a day gone by); a weekly picture is still worth its late arrival.
        """
        d, grace = DELIVERIES, self.nudging.grace

        def too_late(row: Row[Any]) -> bool:
            return bool(row.stream == NUDGE and now - row.due_at > grace)

        rows = await self.record.reclaim(
            session, now, self.nudging.batch, d.c.due_at, d.c.stream, too_late=too_late
        )
        if rows:
            log.info("took over %d check-ins from a stopped process or a pause", len(rows))
        return [(r.id, r.user_id) for r in rows]

    # -- planning ------------------------------------------------------------------

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
        await guarded_update(
            session,
            SCHEDULES,
            and_(s.c.user_id == bindparam("b_user"), s.c.next_due_at == bindparam("b_due")),
            updates,
        )
        if skipped:
            log.info("check-ins not sent: %s", skipped)
        return await self.record.insert(session, deliveries)

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
        await guarded_update(
            session,
            SCHEDULES,
            and_(s.c.user_id == bindparam("b_user"), s.c.summary_due_at == bindparam("b_due")),
            updates,
        )
        return await self.record.insert(session, deliveries)

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
        return self.record.claim(
            user_id,
            now,
            due_at=due_at,
            claimed_at=now,
            stream=stream,
            snooze_of=snooze_of,
            backoff_note=backoff_note,
        )

    # -- send hooks (called by the transport) --------------------------------------

    async def admit(self, out: Outbound) -> bool:
        return await self.record.admit(out)

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        await self.record.done(out, outcome)


async def _count_unanswered(session: AsyncSession, delivery: NudgeDelivery) -> None:
    """A check-in that arrived counts towards "unanswered" (the back-off) until answered."""
    if delivery.stream == NUDGE:
        await session.exec(
            update(SCHEDULES)
            .where(SCHEDULES.c.user_id == delivery.user_id)
            .values(unanswered=SCHEDULES.c.unanswered + 1)
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
