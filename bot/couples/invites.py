"""One-time invite codes: made unguessable, stored hashed, expiring, used once.

A code is 24 random bytes (192 bits) written with Telegram's start-parameter
alphabet (A-Z a-z 0-9 _ -), so it fits a `t.me/<bot>?start=<code>` link and
cannot be guessed. Only its SHA-256 is stored: with that much randomness a
fast hash is enough (there is nothing to brute-force), and a leaked database
holds no usable link. Failed attempts to join are counted per person, so even
an impossibly lucky guesser is stopped after a handful of tries.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.couples.models import Invite, LinkAttempt

CODE_BYTES = 24
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
"""What `new_code` makes; anything else is refused without a database look-up."""
INVITE_TTL = timedelta(hours=48)
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(hours=1)


class CodeStatus(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    OWN = "own"
    RATE_LIMITED = "rate_limited"


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def well_formed(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def status_of(invite: Invite | None, user_id: int, now: datetime) -> CodeStatus:
    """Whether `user_id` may use `invite` at `now` (ignoring couples; see linking)."""
    if invite is None:
        return CodeStatus.UNKNOWN
    if invite.user_id == user_id:
        return CodeStatus.OWN
    if invite.used_at is not None:
        return CodeStatus.USED
    if now >= invite.expires_at:
        return CodeStatus.EXPIRED
    return CodeStatus.OK


async def create(session: AsyncSession, user_id: int, now: datetime) -> str:
    """A fresh invite for `user_id`; any earlier unused invite of theirs stops working."""
    await revoke_unused(session, user_id)
    code = new_code()
    session.add(
        Invite(
            user_id=user_id, code_hash=hash_code(code), created_at=now, expires_at=now + INVITE_TTL
        )
    )
    await session.flush()
    return code


async def revoke_unused(session: AsyncSession, user_id: int) -> None:
    await session.exec(
        delete(Invite).where(col(Invite.user_id) == user_id, col(Invite.used_at).is_(None))
    )


async def find(session: AsyncSession, code: str) -> Invite | None:
    if not well_formed(code):
        return None
    query = select(Invite).where(Invite.code_hash == hash_code(code))
    return (await session.exec(query.execution_options(populate_existing=True))).first()


async def from_user(session: AsyncSession, code: str, user_id: int) -> bool:
    """Whether `code` is (or was) an invite made by `user_id`."""
    invite = await find(session, code)
    return invite is not None and invite.user_id == user_id


async def get(session: AsyncSession, invite_id: int, *, lock: bool = False) -> Invite | None:
    return await session.get(Invite, invite_id, with_for_update=lock, populate_existing=True)


async def claim(session: AsyncSession, invite_id: int, now: datetime) -> bool:
    """Mark the invite used, only if nobody did first (a conditional update)."""
    result = await session.exec(
        update(Invite)
        .where(col(Invite.id) == invite_id, col(Invite.used_at).is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1


async def failed_attempts(session: AsyncSession, user_id: int, now: datetime) -> int:
    query = select(func.count()).where(
        LinkAttempt.user_id == user_id, LinkAttempt.at > now - ATTEMPT_WINDOW
    )
    return (await session.exec(query)).one()


async def rate_limited(session: AsyncSession, user_id: int, now: datetime) -> bool:
    return await failed_attempts(session, user_id, now) >= MAX_FAILED_ATTEMPTS


async def record_failure(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Count a failed attempt and forget the ones that no longer matter."""
    await session.exec(
        delete(LinkAttempt).where(
            col(LinkAttempt.user_id) == user_id, col(LinkAttempt.at) <= now - ATTEMPT_WINDOW
        )
    )
    session.add(LinkAttempt(user_id=user_id, at=now))
    await session.flush()


async def check(
    session: AsyncSession, user_id: int, code: str, now: datetime
) -> tuple[CodeStatus, Invite | None]:
    """Look a code up for someone who wants to join, counting failures.

    A rate-limited person is refused before the look-up, so further guesses
    learn nothing. Their own code is not a guess and is not counted.
    """
    if await rate_limited(session, user_id, now):
        return CodeStatus.RATE_LIMITED, None
    invite = await find(session, code)
    status = status_of(invite, user_id, now)
    if status not in (CodeStatus.OK, CodeStatus.OWN):
        await record_failure(session, user_id, now)
    return status, invite
