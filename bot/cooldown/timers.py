"""Timed messages stored in the database and swept by a periodic job.

A timer is a row (`CooldownTimer`): who, what kind, when. The sweep finds due
rows and fires each one in its own transaction, claiming it by deleting it;
only the transaction whose DELETE removed the row goes on to produce the
message, so a timer fires exactly once even with overlapping sweeps or two
bot processes, and a restart finds the rows where it left them. What a timer
does is decided by the handler registered for its kind.

Claiming, the state change and the message commit together: the message is
staged in the outbox (`bot.outbox`, a table of the delivery record) in the
firing turn's own transaction, so a crash between the commit and the send
leaves it on record, and it is sent once after the restart (or by another
process once its lease runs out) — never lost, never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cooldown.models import CooldownTimer
from bot.plugins import Jobs
from bot.turn import Outbound, Turn

log = logging.getLogger(__name__)

RETURN = "return"
BREATH = "breath"

USEFUL_FOR = {BREATH: timedelta(seconds=20), RETURN: timedelta(hours=1)}
"""How long after its moment a timer's message still helps: a breathing cue is seconds
apart from the next, and a break's "are you ready to come back?" hours late after an
outage would only confuse. Past this the outbox marks it expired instead of sending it."""

SWEEP_SECONDS = 1.0
"""Breathing cues are seconds apart, so the sweep runs every second (one indexed query)."""
BATCH = 200

TimerHandler = Callable[[Turn, CooldownTimer], Awaitable[None]]


async def schedule(
    session: AsyncSession,
    user_id: int,
    kind: str,
    due_at: datetime,
    *,
    cooldown_id: int | None = None,
    step: int = 0,
) -> None:
    session.add(
        CooldownTimer(user_id=user_id, kind=kind, due_at=due_at, cooldown_id=cooldown_id, step=step)
    )


async def cancel(
    session: AsyncSession,
    *,
    cooldown_id: int | None = None,
    user_id: int | None = None,
    kind: str | None = None,
) -> None:
    query = delete(CooldownTimer)
    if cooldown_id is not None:
        query = query.where(col(CooldownTimer.cooldown_id) == cooldown_id)
    if user_id is not None:
        query = query.where(col(CooldownTimer.user_id) == user_id)
    if kind is not None:
        query = query.where(col(CooldownTimer.kind) == kind)
    await session.exec(query)


async def due(session: AsyncSession, now: datetime, limit: int = BATCH) -> list[tuple[int, int]]:
    """(timer id, user id) of rows due by `now`, oldest first."""
    query = (
        select(CooldownTimer.id, CooldownTimer.user_id)
        .where(col(CooldownTimer.due_at) <= now)
        .order_by(col(CooldownTimer.due_at), col(CooldownTimer.id))
        .limit(limit)
    )
    return [(int(i), int(u)) for i, u in await session.exec(query) if i is not None]


async def claim(session: AsyncSession, timer_id: int) -> CooldownTimer | None:
    """Take the timer for this transaction; None if another one already took it."""
    timer = await session.get(CooldownTimer, timer_id, populate_existing=True)
    if timer is None:
        return None
    result = await session.exec(delete(CooldownTimer).where(col(CooldownTimer.id) == timer_id))
    if result.rowcount != 1:
        return None
    session.expunge(timer)
    return timer


class Sweep:
    """The periodic job: fire every due timer once, return the messages to send."""

    def __init__(self, jobs: Jobs, handlers: dict[str, TimerHandler]) -> None:
        self.jobs = jobs
        self.handlers = handlers

    async def __call__(self) -> list[Outbound]:
        async with self.jobs.sessions() as session, session.begin():
            rows = await due(session, self.jobs.clock())
        outs: list[Outbound] = []
        for timer_id, user_id in rows:
            try:
                outs += await self.jobs.for_user(user_id, self._firing(timer_id))
            except Exception:
                log.exception("cooldown timer %s failed; dropping it", timer_id)
                await self._drop(timer_id)
        return outs

    def _firing(self, timer_id: int) -> Callable[[Turn], Awaitable[None]]:
        async def fire(turn: Turn) -> None:
            timer = await claim(turn.session, timer_id)
            if timer is None or not turn.user.active:
                return
            handler = self.handlers.get(timer.kind)
            if handler is None:
                log.warning("no handler for cooldown timer kind %r", timer.kind)
                return
            mark = len(turn.out)
            await handler(turn, timer)
            useful = USEFUL_FOR.get(timer.kind)
            if useful is not None:
                until = timer.due_at + useful
                turn.out[mark:] = [
                    replace(out, useful_until=until, kind=out.kind or f"cooldown_{timer.kind}")
                    for out in turn.out[mark:]
                ]

        return fire

    async def _drop(self, timer_id: int) -> None:
        """A timer whose handler fails would fail every second; it goes instead."""
        async with self.jobs.sessions() as session, session.begin():
            await session.exec(delete(CooldownTimer).where(col(CooldownTimer.id) == timer_id))
