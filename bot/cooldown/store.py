"""Cooldown queries, written once for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import waiting
from bot.cooldown import phases, timers
from bot.cooldown.models import Cooldown
from bot.storage.models import Couple, User
from bot.turn import Turn

FEATURE = "cooldown"


async def open_cooldown(
    session: AsyncSession, user: User, now: datetime, *, close: bool = True
) -> Cooldown | None:
    """The person's break in progress, if any.

    A break left untouched for `STALE_AFTER` (after its end, if it had one),
    or interrupted by a pause or a safety signal, is over: it is closed here
    (unless `close` is False, for a look at someone else's break), so an
    abandoned check-in never keeps catching someone's text and a safety
    signal stops the break's script as it stops the dialogs.
    """
    query = select(Cooldown).where(Cooldown.user_id == user.id, col(Cooldown.closed_at).is_(None))
    row = (await session.exec(query.execution_options(populate_existing=True))).first()
    if row is None:
        return None
    outcome = ended(row, user, now)
    if outcome is None:
        return row
    if close:
        await close_cooldown(session, row, outcome, now)
    return None


def ended(row: Cooldown, user: User, now: datetime) -> str | None:
    """Why an open break is over without the person closing it, if it is."""
    if interrupted(row, user, now):
        return phases.HELD
    if now - max(row.touched_at, row.ends_at or row.touched_at) > phases.STALE_AFTER:
        return phases.LAPSED
    return None


def interrupted(row: Cooldown, user: User, now: datetime) -> bool:
    """Unprompted messages were paused after the break began (/pause, or a safety
    signal): the break's prompts stop, and nothing more goes to anyone."""
    paused = user.nudges_paused_until
    return paused is not None and paused > now and paused != row.paused_until_at_start


async def for_button(
    session: AsyncSession,
    user: User,
    cooldown_id: int,
    allowed: Collection[str],
    now: datetime,
) -> Cooldown | None:
    """The open break a button belongs to, if it is this person's and still at that step."""
    row = await open_cooldown(session, user, now)
    if row is None or row.id != cooldown_id or row.phase not in allowed:
        return None
    return row


async def partners_open(
    session: AsyncSession, partner: User | None, now: datetime
) -> Cooldown | None:
    """The partner's break in progress, looked at without changing it."""
    if partner is None:
        return None
    return await open_cooldown(session, partner, now, close=False)


async def lock_couple(session: AsyncSession, couple_id: int | None) -> None:
    """Serialise the two partners' notice decisions (PostgreSQL row lock).

    SQLite needs nothing: every transaction there starts with BEGIN IMMEDIATE.
    """
    if couple_id is not None:
        await session.exec(select(Couple.id).where(Couple.id == couple_id).with_for_update())


async def touch(turn: Turn, row: Cooldown, phase: str) -> None:
    """Move the break to `phase`; `touched_at` is what the stale-break check reads.

    A builder step that asks for words (what happened, how it felt, what would
    help) is a `bot.waiting` question, so typed text answers it only while it
    is open; any other step withdraws it.
    """
    row.phase, row.touched_at = phase, turn.now
    turn.session.add(row)
    if row.user_id != turn.user.id:
        return
    if phase in phases.TEXT_PHASES:
        await turn.session.flush()  # a new break needs its id for the question
        await waiting.ask(turn, FEATURE, phase, ref=row.id, expires_in=phases.STALE_AFTER)
    else:
        await waiting.done(turn, FEATURE)


async def close_cooldown(session: AsyncSession, row: Cooldown, outcome: str, now: datetime) -> None:
    """End the break; its pending return timer goes with it."""
    row.closed_at = now
    row.outcome = outcome
    row.touched_at = now
    session.add(row)
    if row.id is not None:
        await timers.cancel(session, cooldown_id=row.id)
    await session.flush()
