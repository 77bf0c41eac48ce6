"""Races on a real PostgreSQL: both partners acting at once never corrupt state or
send a notice twice. Each scenario runs a few rounds with fresh people, with the two
actions as concurrent tasks on separate sessions."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from bot.coach import Coach
from bot.couples import invites, linking
from bot.storage.models import Couple, User
from bot.storage.repo import ensure_user
from bot.turn import Outbound, Person
from tests.couples.conftest import invite, link, name_yourself, news
from tests.support.people import texts
from tests.support.waiting import until

pytestmark = pytest.mark.postgres
ROUNDS = 4
_ids = itertools.count(10_000)


def people(n: int) -> list[Person]:
    return [
        Person(uid, uid, name, "en")
        for uid, name in zip((next(_ids) for _ in range(n)), ["Ana", "Ben", "Cem"], strict=False)
    ]


async def named(coach: Coach, *persons: Person) -> None:
    for person in persons:
        await name_yourself(coach, person)


async def state(coach: Coach, *persons: Person) -> list[int | None]:
    async with coach.sessions() as session:
        ids = [p.user_id for p in persons]
        found = {
            u.id: u.couple_id for u in await session.exec(select(User).where(User.id.in_(ids)))
        }
    return [found.get(p.user_id) for p in persons]


async def couple_count(coach: Coach) -> int:
    async with coach.sessions() as session:
        return len((await session.exec(select(Couple))).all())


def count(outs: list[Outbound], person: Person, key: str, coach: Coach, **values) -> int:
    return news(outs, person).count(coach.content.t(key, "en", **values))


async def together(*calls):
    results = await asyncio.gather(*calls)
    return [out for outs in results for out in outs]


async def test_two_people_open_the_same_link_at_once(pg_coach):
    for _ in range(ROUNDS):
        ana, ben, cem = people(3)
        await named(pg_coach, ana, ben, cem)
        code = await invite(pg_coach, ana)
        outs = await together(
            pg_coach.run_command(ben, "start", (code,)),
            pg_coach.run_command(cem, "start", (code,)),
        )
        a, b, c = await state(pg_coach, ana, ben, cem)
        assert a is not None and [b, c].count(a) == 1, "exactly one of them joined Ana"
        winner, loser = (ben, cem) if b == a else (cem, ben)
        assert len(texts(outs, ana)) == 1, "Ana hears about exactly one partner"
        assert winner.first_name in texts(outs, ana)[0]
        refusal = texts(outs, loser)[-1]
        assert refusal in {
            pg_coach.content.t("join_used", "en"),
            pg_coach.content.t("join_couple_full", "en"),
        }


async def test_partners_open_each_others_links_at_once(pg_coach):
    for _ in range(ROUNDS):
        ana, ben = people(2)
        await named(pg_coach, ana, ben)
        code_a, code_b = await invite(pg_coach, ana), await invite(pg_coach, ben)
        before = await couple_count(pg_coach)
        outs = await together(
            pg_coach.run_command(ana, "start", (code_b,)),
            pg_coach.run_command(ben, "start", (code_a,)),
        )
        a, b = await state(pg_coach, ana, ben)
        assert a == b is not None
        assert await couple_count(pg_coach) == before + 1, "one couple, not two"
        linked = ("linked_joiner", "linked_inviter")
        for me, other in ((ana, ben), (ben, ana)):
            told = sum(count(outs, me, k, pg_coach, partner=other.first_name) for k in linked)
            assert told == 1, f"{me.first_name} is told exactly once"


async def test_a_double_tap_on_the_link_links_once(pg_coach):
    for _ in range(ROUNDS):
        ana, ben = people(2)
        await named(pg_coach, ana, ben)
        code = await invite(pg_coach, ana)
        outs = await together(
            pg_coach.run_command(ben, "start", (code,)),
            pg_coach.run_command(ben, "start", (code,)),
        )
        a, b = await state(pg_coach, ana, ben)
        assert a == b is not None
        assert news(outs, ana) == [pg_coach.content.t("linked_inviter", "en", partner="Ben")]


async def test_both_partners_unlink_at_once(pg_coach):
    for _ in range(ROUNDS):
        ana, ben = people(2)
        await named(pg_coach, ana, ben)
        await link(pg_coach, ana, ben)
        couple_id = (await state(pg_coach, ana))[0]
        outs = await together(
            pg_coach.press(ana, f"unl|{couple_id}"),
            pg_coach.press(ben, f"unl|{couple_id}"),
        )
        assert await state(pg_coach, ana, ben) == [None, None]
        assert count(outs, ana, "link_ended", pg_coach, partner="Ben") == 1
        assert count(outs, ben, "link_ended", pg_coach, partner="Ana") == 1


async def test_a_double_tap_on_unlink_sends_the_notices_once(pg_coach):
    for _ in range(ROUNDS):
        ana, ben = people(2)
        await named(pg_coach, ana, ben)
        await link(pg_coach, ana, ben)
        couple_id = (await state(pg_coach, ana))[0]
        outs = await together(*(pg_coach.press(ana, f"unl|{couple_id}") for _ in range(3)))
        assert await state(pg_coach, ana, ben) == [None, None]
        assert count(outs, ben, "link_ended", pg_coach, partner="Ana") == 1
        assert count(outs, ana, "link_ended", pg_coach, partner="Ben") == 1


async def test_forget_while_the_partner_unlinks(pg_coach):
    for _ in range(ROUNDS):
        ana, ben = people(2)
        await named(pg_coach, ana, ben)
        await link(pg_coach, ana, ben)
        couple_id = (await state(pg_coach, ana))[0]
        stamp = int(pg_coach.clock().timestamp())
        outs = await together(
            pg_coach.press(ana, f"fgt|{stamp}"),
            pg_coach.press(ben, f"unl|{couple_id}"),
        )
        assert await state(pg_coach, ana, ben) == [None, None]
        assert len([t for t in texts(outs, ben) if "has ended" in t]) == 1
        async with pg_coach.sessions() as session:
            assert await session.get(User, ana.user_id) is None


async def test_a_double_tap_on_forget_deletes_once_and_tells_the_partner_once(pg_coach):
    for _ in range(ROUNDS):
        ana, ben = people(2)
        await named(pg_coach, ana, ben)
        await link(pg_coach, ana, ben)
        stamp = int(pg_coach.clock().timestamp())
        outs = await together(*(pg_coach.press(ana, f"fgt|{stamp}") for _ in range(2)))
        assert count(outs, ben, "link_ended", pg_coach, partner="Ana") == 1
        assert await state(pg_coach, ben) == [None]


# -- The two guards the races rely on, each shown without a race ----------------------
# A row lock (FOR UPDATE) makes the second transaction wait for the first to commit, and
# `populate_existing` makes it see the first one's change even though it had loaded the
# row before (the session's identity map would otherwise hand back the old object).


async def _blocked_or_done(coach: Coach, task: asyncio.Task) -> bool:
    if task.done():
        return True
    query = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    async with coach.sessions() as session:
        connection = await session.connection()
        return (await connection.execute(text(query))).scalar_one() > 0


async def test_locking_users_waits_for_the_holder_and_reads_its_change(pg_coach):
    ana, ben = people(2)
    await named(pg_coach, ana, ben)
    async with pg_coach.sessions() as first, pg_coach.sessions() as second:
        seen_before = await second.get(User, ana.user_id)  # held: the identity map is weak
        assert seen_before is not None and seen_before.couple_id is None
        await second.commit()
        held = await linking.lock_users(first, [ben.user_id, ana.user_id])
        couple = Couple(created_at=pg_coach.clock())
        first.add(couple)
        await first.flush()
        held[ana.user_id].couple_id = couple.id
        first.add(held[ana.user_id])
        await first.flush()
        waiting = asyncio.create_task(linking.lock_users(second, [ana.user_id]))
        await until(lambda: _blocked_or_done(pg_coach, waiting), what="the second lock")
        assert not waiting.done(), "the second transaction must wait for the first"
        await first.commit()
        after = await asyncio.wait_for(waiting, 10)
        assert after[ana.user_id].couple_id == couple.id, "it reads the committed change"


async def test_locking_users_takes_them_in_id_order(pg_coach):
    """Two changes that lock the same people never wait for each other in a circle: one
    waiting for the first of its people holds none of the others meanwhile, even when
    they are stored ahead of the first."""
    low, high = people(2)
    async with pg_coach.sessions() as session, session.begin():
        for person in (high, low):  # stored in this order: a scan would meet `high` first
            await ensure_user(session, person.user_id, person.chat_id, "X", "en", pg_coach.clock())
    async with pg_coach.sessions() as first, pg_coach.sessions() as second:
        await linking.lock_users(first, [low.user_id])
        waiting = asyncio.create_task(linking.lock_users(second, [high.user_id, low.user_id]))
        await until(lambda: _blocked_or_done(pg_coach, waiting), what="the second lock")
        assert not waiting.done(), "the second transaction must wait for the first"
        also = await asyncio.wait_for(linking.lock_users(first, [high.user_id]), 10)
        assert list(also) == [high.user_id], "the waiting one holds nothing yet"
        await first.commit()
        after = await asyncio.wait_for(waiting, 10)
        assert list(after) == [low.user_id, high.user_id]


@contextlib.asynccontextmanager
async def linked_behind(
    coach: Coach, seen: Person, ana: Person, ben: Person
) -> AsyncIterator[tuple[AsyncSession, int | None]]:
    """A session that read `seen` while single, then Ana and Ben link elsewhere: yields
    (that session, the new couple's id). What the session holds is stale."""
    await named(coach, ana, ben)
    async with coach.sessions() as session:
        seen_before = await session.get(User, seen.user_id)  # held: the identity map is weak
        assert seen_before is not None and seen_before.couple_id is None
        await session.commit()
        await link(coach, ana, ben)
        yield session, (await state(coach, ana))[0]


async def test_members_of_a_couple_are_read_fresh(pg_coach):
    ana, ben = people(2)
    async with linked_behind(pg_coach, ben, ana, ben) as (reader, couple_id):
        found = await linking.members(reader, couple_id)
        assert [(u.id, u.couple_id) for u in found] == [
            (ana.user_id, couple_id),
            (ben.user_id, couple_id),
        ]


async def test_unlinking_reads_the_person_fresh(pg_coach):
    """Someone joins Ana's link while her /forget is under way: the couple just made is
    ended (and Ben told), not left with a member about to be deleted."""
    ana, ben = people(2)
    async with linked_behind(pg_coach, ana, ana, ben) as (forgetting, couple_id):
        result = await linking.unlink(forgetting, ana.user_id)
        await forgetting.commit()
    assert result.ended and result.partner is not None
    assert result.partner.id == ben.user_id
    assert couple_id is not None and await state(pg_coach, ana, ben) == [None, None]


async def test_an_unlink_that_waited_for_another_finds_nothing_to_end(pg_coach):
    """A double tap on "unlink": the second one waits for the first's locks, then sees
    the couple already ended, so it ends nothing and tells no one again."""
    ana, ben = people(2)
    await named(pg_coach, ana, ben)
    await link(pg_coach, ana, ben)
    couple_id = (await state(pg_coach, ana))[0]
    async with pg_coach.sessions() as first, pg_coach.sessions() as second:
        assert (await linking.unlink(first, ana.user_id, couple_id)).ended
        waiting = asyncio.create_task(linking.unlink(second, ana.user_id, couple_id))
        await until(lambda: _blocked_or_done(pg_coach, waiting), what="the second unlink")
        assert not waiting.done(), "the second unlink must wait for the first"
        await first.commit()
        after = await asyncio.wait_for(waiting, 10)
        await second.commit()
    assert after == linking.Unlinked(False), "nothing ended, no partner to tell"
    assert await state(pg_coach, ana, ben) == [None, None]


async def test_a_locked_invite_waits_for_the_claim_and_reads_it(pg_coach):
    ana, ben = people(2)
    await named(pg_coach, ana, ben)
    code = await invite(pg_coach, ana)
    async with pg_coach.sessions() as first, pg_coach.sessions() as second:
        loaded = await invites.find(second, code)  # held: the identity map is weak
        assert loaded is not None and loaded.used_at is None
        await second.commit()
        holder = await invites.get(first, loaded.id, lock=True)
        assert await invites.claim(first, holder.id, pg_coach.clock())
        waiting = asyncio.create_task(invites.get(second, loaded.id, lock=True))
        await until(lambda: _blocked_or_done(pg_coach, waiting), what="the invite's lock")
        assert not waiting.done(), "the second look must wait for the claim to commit"
        await first.commit()
        after = await asyncio.wait_for(waiting, 10)
        assert after is not None and after.used_at is not None
