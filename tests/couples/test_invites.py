"""Invite codes: unguessable, hashed, expiring, single-use, and rate-limited guessing."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.couples import invites
from bot.couples.invites import ATTEMPT_WINDOW, INVITE_TTL, MAX_FAILED_ATTEMPTS, CodeStatus
from bot.couples.models import Invite, LinkAttempt
from bot.storage.db import session_factory
from bot.storage.repo import ensure_user

START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""What Telegram accepts after ?start= (https://core.telegram.org/api/links#bot-links)."""


def test_codes_fit_telegram_start_parameters():
    for _ in range(200):
        assert START_PARAMETER.match(invites.new_code())


def test_codes_carry_at_least_128_bits_of_randomness():
    code = invites.new_code()
    assert len(code) * math.log2(64) >= 128
    assert invites.CODE_BYTES * 8 >= 128


def test_codes_do_not_repeat():
    assert len({invites.new_code() for _ in range(10_000)}) == 10_000


def test_only_a_sha256_of_the_code_is_stored():
    code = invites.new_code()
    assert invites.hash_code(code) == hashlib.sha256(code.encode()).hexdigest()
    assert code not in invites.hash_code(code)
    assert invites.hash_code(code) != invites.hash_code(invites.new_code())


@pytest.mark.parametrize(
    "payload", ["", "short", "x" * 33, "has space in it aaaaaaaaaaaaaaaaaaaa", "é" * 32, "../" * 11]
)
def test_malformed_codes_are_not_codes(payload):
    assert not invites.well_formed(payload)


def test_deep_link_is_a_t_me_start_link():
    assert invites.deep_link("attune_bot", "abc") == "https://t.me/attune_bot?start=abc"


def test_status_of_an_invite(clock):
    now = clock()
    invite = Invite(user_id=1, code_hash="h", created_at=now, expires_at=now + INVITE_TTL)
    assert invites.status_of(None, 2, now) is CodeStatus.UNKNOWN
    assert invites.status_of(invite, 1, now) is CodeStatus.OWN
    assert invites.status_of(invite, 2, now) is CodeStatus.OK
    assert invites.status_of(invite, 2, now + INVITE_TTL - timedelta(seconds=1)) is CodeStatus.OK
    assert invites.status_of(invite, 2, now + INVITE_TTL) is CodeStatus.EXPIRED
    invite.used_at = now
    assert invites.status_of(invite, 2, now) is CodeStatus.USED


@pytest.fixture
async def sessions(db_engine, clock):
    """Sessions on SQLite and PostgreSQL, with people 1, 2 and 3 known."""
    factory = session_factory(db_engine)
    async with factory() as session, session.begin():
        for uid in (1, 2, 3):
            await ensure_user(session, uid, uid, f"P{uid}", "en", clock())
    return factory


async def test_an_invite_stores_the_hash_and_expires_in_48_hours(sessions, clock):
    async with sessions() as session, session.begin():
        code = await invites.create(session, 1, clock())
    async with sessions() as session:
        stored = (await session.exec(select(Invite))).one()
    assert stored.code_hash == invites.hash_code(code)
    assert code not in {str(v) for v in stored.model_dump().values()}
    assert stored.created_at == clock()
    assert stored.expires_at == clock() + INVITE_TTL


async def test_a_new_invite_replaces_the_unused_one(sessions, clock):
    async with sessions() as session, session.begin():
        first = await invites.create(session, 1, clock())
        second = await invites.create(session, 1, clock())
    async with sessions() as session:
        assert await invites.find(session, first) is None
        assert await invites.find(session, second) is not None


async def test_a_new_invite_leaves_other_peoples_invites_alone(sessions, clock):
    async with sessions() as session, session.begin():
        others = await invites.create(session, 3, clock())
        await invites.create(session, 1, clock())
    async with sessions() as session:
        assert await invites.find(session, others) is not None


async def test_an_invite_is_read_fresh_even_if_the_session_has_seen_it(sessions, clock):
    async with sessions() as session, session.begin():
        code = await invites.create(session, 1, clock())
    async with sessions() as reader:
        seen = await invites.find(reader, code)  # held: the identity map is weak
        assert seen is not None and seen.used_at is None and seen.id is not None
        await reader.commit()
        async with sessions() as other, other.begin():
            assert await invites.claim(other, seen.id, clock())
        again = await invites.find(reader, code)
        assert again is not None and again.used_at is not None, "the claim is seen"


async def test_an_invite_can_be_claimed_once(sessions, clock):
    async with sessions() as session, session.begin():
        code = await invites.create(session, 1, clock())
        invite = await invites.find(session, code)
        assert invite is not None and invite.id is not None
        assert await invites.claim(session, invite.id, clock())
        assert not await invites.claim(session, invite.id, clock())
    async with sessions() as session, session.begin():
        status, _ = await invites.check(session, 2, code, clock())
    assert status is CodeStatus.USED


async def test_check_tells_expired_from_unknown(sessions, clock):
    async with sessions() as session, session.begin():
        code = await invites.create(session, 1, clock())
    clock.advance(hours=48)
    async with sessions() as session, session.begin():
        assert (await invites.check(session, 2, code, clock()))[0] is CodeStatus.EXPIRED
        unknown = invites.new_code()
        assert (await invites.check(session, 2, unknown, clock()))[0] is CodeStatus.UNKNOWN


async def test_failed_attempts_are_limited_per_person_per_hour(sessions, clock):
    async with sessions() as session, session.begin():
        real = await invites.create(session, 1, clock())
    for _ in range(MAX_FAILED_ATTEMPTS):
        async with sessions() as session, session.begin():
            status, _ = await invites.check(session, 2, invites.new_code(), clock())
            assert status is CodeStatus.UNKNOWN
        clock.advance(minutes=1)
    async with sessions() as session, session.begin():
        # Even the right code is refused now: a guesser learns nothing more.
        assert (await invites.check(session, 2, real, clock()))[0] is CodeStatus.RATE_LIMITED
        # Someone else is not affected.
        assert (await invites.check(session, 3, real, clock()))[0] is CodeStatus.OK
    clock.advance(minutes=56)  # the first failure is now more than an hour old
    async with sessions() as session, session.begin():
        assert (await invites.check(session, 2, real, clock()))[0] is CodeStatus.OK


async def test_own_code_is_not_counted_as_a_guess(sessions, clock):
    async with sessions() as session, session.begin():
        code = await invites.create(session, 1, clock())
    for _ in range(MAX_FAILED_ATTEMPTS + 1):
        async with sessions() as session, session.begin():
            assert (await invites.check(session, 1, code, clock()))[0] is CodeStatus.OWN
    async with sessions() as session:
        assert await invites.failed_attempts(session, 1, clock()) == 0


async def test_old_failures_are_pruned(sessions, clock):
    for _ in range(3):
        async with sessions() as session, session.begin():
            await invites.record_failure(session, 2, clock())
        clock.advance(hours=2)
    async with sessions() as session:
        rows = (await session.exec(select(LinkAttempt))).all()
    assert len(rows) == 1, "only the newest failure is still worth keeping"


async def test_a_failure_is_forgotten_the_moment_it_stops_counting(sessions, clock):
    async with sessions() as session, session.begin():
        await invites.record_failure(session, 2, clock())
    clock.advance(seconds=ATTEMPT_WINDOW.total_seconds())  # exactly: it no longer counts
    async with sessions() as session, session.begin():
        assert await invites.failed_attempts(session, 2, clock()) == 0
        await invites.record_failure(session, 2, clock())
    async with sessions() as session:
        rows = (await session.exec(select(LinkAttempt))).all()
    assert [row.at for row in rows] == [clock()], "an attempt that no longer counts is not kept"


async def test_pruning_touches_only_the_failing_persons_own_attempts(sessions, clock):
    async with sessions() as session, session.begin():
        await invites.record_failure(session, 3, clock())
    clock.advance(hours=2)
    async with sessions() as session, session.begin():
        await invites.record_failure(session, 2, clock())
    async with sessions() as session:
        rows = (await session.exec(select(LinkAttempt))).all()
    assert sorted(row.user_id for row in rows) == [2, 3], (
        "person 3's old attempt goes at their own next failure (or /forget), not at another's"
    )
