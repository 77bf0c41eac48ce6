"""Helpers for check-in tests: a wired coach on any database, the sweep, and a pretend transport."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from bot.coach import Coach
from bot.config import Settings
from bot.engine.content import Content
from bot.features import FEATURES
from bot.nudges.models import NudgeDelivery, NudgeSchedule
from bot.nudges.store import ensure_schedules
from bot.nudges.sweep import Sweep
from bot.sending import Outcome
from bot.storage.db import session_factory
from bot.turn import Outbound, Person
from tests.support.clock import Clock

TZ = "Europe/Istanbul"

TUESDAY_DUE = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # 19:30 in Istanbul


def make_coach(engine: AsyncEngine, content: Content, clock: Clock, **settings: object) -> Coach:
    values: dict[str, object] = {"default_timezone": TZ, **settings}
    return Coach(content, session_factory(engine), clock, Settings(**values), features=FEATURES)  # type: ignore[arg-type]


def sweep_of(coach: Coach) -> Sweep:
    job = next(p for p in coach.periodic if p.name == "nudges")
    assert isinstance(job.hooks, Sweep)
    return job.hooks


async def deliver(
    sweep: Sweep, outs: Iterable[Outbound], outcome: Outcome = Outcome.SENT
) -> list[Outbound]:
    """What the transport does: admit each message, 'send' it, report the outcome."""
    sent = []
    for out in outs:
        if await sweep.admit(out):
            await sweep.done(out, outcome)
            if outcome is Outcome.SENT:
                sent.append(out)
    return sent


async def tick(coach: Coach) -> list[Outbound]:
    """One sweep, everything it produced delivered successfully."""
    sweep = sweep_of(coach)
    return await deliver(sweep, await sweep.run())


async def run_until(coach: Coach, clock: Clock, until: datetime, **step: float) -> list[Outbound]:
    """Sweep every `step` (default 10 minutes) until `until`, collecting what was sent."""
    sent: list[Outbound] = []
    step = step or {"minutes": 10}
    while clock.now < until:
        clock.advance(**step)
        sent += await tick(coach)
    return sent


async def meet(coach: Coach, *people: Person) -> None:
    """First contact, as if each person had written to the bot; then their default schedule."""
    for person in people:
        await coach.run_command(person, "help")
    async with coach.sessions() as session, session.begin():
        await ensure_schedules(session, coach.clock(), sweep_of(coach).nudging.default_tz)


async def schedule(coach: Coach, person: Person) -> NudgeSchedule:
    async with coach.sessions() as session:
        row = await session.get(NudgeSchedule, person.user_id)
        assert row is not None
        return row


async def update_schedule(coach: Coach, person: Person, **values: object) -> None:
    async with coach.sessions() as session, session.begin():
        row = await session.get(NudgeSchedule, person.user_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


async def deliveries(coach: Coach, person: Person | None = None) -> list[NudgeDelivery]:
    async with coach.sessions() as session:
        query = select(NudgeDelivery).order_by(col(NudgeDelivery.id))
        if person is not None:
            query = query.where(NudgeDelivery.user_id == person.user_id)
        return list((await session.exec(query)).all())


def button(out: Outbound, label_part: str) -> str:
    """Callback data of the button whose label contains `label_part`."""
    for row in out.keyboard:
        for b in row:
            if label_part in b.label:
                return b.data
    raise AssertionError(
        f"no button {label_part!r} in {[b.label for r in out.keyboard for b in r]}"
    )
