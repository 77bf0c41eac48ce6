"""Link two people into a couple, and unlink them, safely under concurrency.

Both partners may act at the same moment (both open a link, both unlink, a
double tap), possibly in different worker processes. Every change therefore
locks the users involved *in id order* (so two transactions never wait for
each other in a circle), re-reads them after the lock, and only then decides.
On PostgreSQL the locks are `SELECT ... FOR UPDATE`; SQLite runs each write
transaction alone (`BEGIN IMMEDIATE`), which gives the same outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.couples import invites
from bot.couples.invites import CodeStatus
from bot.storage.models import Couple, User


class JoinOutcome(StrEnum):
    LINKED = "linked"
    UNKNOWN = CodeStatus.UNKNOWN.value
    EXPIRED = CodeStatus.EXPIRED.value
    USED = CodeStatus.USED.value
    OWN = CodeStatus.OWN.value
    ALREADY_TOGETHER = "already_together"
    """The two are already a couple (a double tap, or both opened each other's link)."""
    ALREADY_LINKED = "already_linked"
    """The person joining is in another couple and must /unlink first."""
    COUPLE_FULL = "couple_full"
    """The inviter is already linked with someone else: a couple is two people."""


@dataclass(frozen=True)
class Joined:
    outcome: JoinOutcome
    inviter: User | None = None
    partner: User | None = None
    """For ALREADY_LINKED/ALREADY_TOGETHER: who the joiner is linked with."""


async def lock_users(session: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    """Lock these users' rows in id order and return them freshly read."""
    query = (
        select(User)
        .where(col(User.id).in_(sorted(set(ids))))
        .order_by(col(User.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {user.id: user for user in await session.exec(query)}


async def members(session: AsyncSession, couple_id: int) -> list[User]:
    query = select(User).where(User.couple_id == couple_id).order_by(col(User.id))
    return list(await session.exec(query.execution_options(populate_existing=True)))


async def join(session: AsyncSession, joiner_id: int, invite_id: int, now: datetime) -> Joined:
    """Link `joiner_id` with the owner of invite `invite_id`, or say why not."""
    invite = await invites.get(session, invite_id)
    if invite is None:
        return Joined(JoinOutcome.UNKNOWN)
    if invite.user_id == joiner_id:
        return Joined(JoinOutcome.OWN)
    users = await lock_users(session, (joiner_id, invite.user_id))
    joiner, inviter = users.get(joiner_id), users.get(invite.user_id)
    if joiner is None or inviter is None:
        return Joined(JoinOutcome.UNKNOWN)
    if joiner.couple_id is not None:
        together = joiner.couple_id == inviter.couple_id
        outcome = JoinOutcome.ALREADY_TOGETHER if together else JoinOutcome.ALREADY_LINKED
        return Joined(outcome, inviter, await _other_member(session, joiner))
    if inviter.couple_id is not None:
        return Joined(JoinOutcome.COUPLE_FULL, inviter)
    invite = await invites.get(session, invite_id, lock=True)
    status = invites.status_of(invite, joiner_id, now)
    if status is not CodeStatus.OK or not await invites.claim(session, invite_id, now):
        used = status is CodeStatus.OK
        return Joined(JoinOutcome.USED if used else JoinOutcome(status.value), inviter)
    couple = Couple(created_at=now)
    session.add(couple)
    await session.flush()
    for user in (joiner, inviter):
        user.couple_id = couple.id
        session.add(user)
        await invites.revoke_unused(session, user.id)
    await session.flush()
    return Joined(JoinOutcome.LINKED, inviter, inviter)


async def _other_member(session: AsyncSession, user: User) -> User | None:
    if user.couple_id is None:
        return None
    return next((u for u in await members(session, user.couple_id) if u.id != user.id), None)


@dataclass(frozen=True)
class Unlinked:
    ended: bool
    """False when there was nothing to end: a second tap, or the partner unlinked first."""
    partner: User | None = None
    """The former partner (None if they had already left)."""


async def unlink(session: AsyncSession, user_id: int, couple_id: int | None = None) -> Unlinked:
    """End `user_id`'s couple (only if it is still `couple_id`, when given).

    Exactly one of two simultaneous unlinks ends the couple; the other sees
    `ended=False`, so the notices go out once.
    """
    me = await session.get(User, user_id, populate_existing=True)
    current = me.couple_id if me is not None else None
    if current is None or (couple_id is not None and current != couple_id):
        return Unlinked(False)
    people = await members(session, current)
    locked = await lock_users(session, [user_id, *(u.id for u in people)])
    me = locked.get(user_id)
    if me is None or me.couple_id != current:
        return Unlinked(False)
    partner = None
    for user in locked.values():
        if user.couple_id == current:
            user.couple_id = None
            session.add(user)
            partner = user if user.id != user_id else partner
    await session.flush()
    return Unlinked(True, partner)
