"""Timers live in the database: they survive restarts and fire exactly once."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import delete, func, text
from sqlmodel import select

from bot.coach import Coach
from bot.cooldown import timers
from bot.cooldown.models import Cooldown, CooldownTimer
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory, sqlite_writer
from bot.storage.models import User
from bot.turn import Person
from tests.cooldown.support import sweep, take_break
from tests.support.people import Chat, Router, update_user
from tests.support.waiting import until


async def test_a_restart_during_the_break_still_brings_the_return_on_time(
    coach, couple, en, clock, content, sqlite_url
):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en, minutes=30)
    await alex.press(en("cooldown_notice_send"))
    clock.advance(minutes=10)

    # the process stops; a new one starts on the same database file
    engine = create_engine(sqlite_url)
    restarted = Coach(content, session_factory(engine), clock, features=FEATURES)
    try:
        clock.advance(minutes=19, seconds=59)
        assert await sweep(restarted, couple.router) == []
        clock.advance(seconds=1)
        outs = await sweep(restarted, couple.router)
        assert [(o.chat_id, o.text) for o in outs] == [(alex.person.chat_id, en("cooldown_ask"))]
        assert await sweep(restarted, couple.router) == []
        assert await sweep(coach, couple.router) == [], "the old process cannot send it again"

        # the conversation carries on in the new process
        alex.coach = restarted
        await alex.press(en("cooldown_more", minutes=15))
        assert sam.last == en(
            "cooldown_partner_more", name="Alex", minutes=15, when="in about 15 minutes"
        )
    finally:
        await engine.dispose()


async def test_overlapping_sweeps_of_two_processes_send_each_message_once(
    db_engine, database_url, content, clock
):
    """Two bot processes on one database (SQLite file or PostgreSQL) sweep at once."""
    first = Coach(content, session_factory(db_engine), clock, features=FEATURES)
    other_engine = create_engine(database_url)
    second = Coach(content, session_factory(other_engine), clock, features=FEATURES)
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    router = Router()
    people = [Chat(first, Person(5000 + i, 5000 + i, f"P{i}", "en"), router) for i in range(8)]
    try:
        for chat in people:
            await take_break(chat, en)
        clock.advance(minutes=20)
        results = await asyncio.gather(
            sweep(first, router), sweep(second, router), sweep(first, router)
        )
        assert sum(len(r) for r in results) == len(people)
        for chat in people:
            assert chat.texts.count(en("cooldown_ask")) == 1
        async with first.sessions() as session:
            left = (await session.exec(select(func.count()).select_from(CooldownTimer))).one()
        assert left == 0
    finally:
        await other_engine.dispose()


async def waiting_for_a_lock(engine) -> bool:
    """Whether a transaction is queued behind another: SQLite's writer lock in this
    process, or a PostgreSQL backend waiting on a row lock."""
    writer = sqlite_writer(engine)
    if writer is not None:
        return bool(getattr(writer.lock, "_waiters", None))
    async with engine.connect() as conn:
        query = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return (await conn.execute(text(query))).scalar_one() > 0


async def test_a_claimed_timer_cannot_be_claimed_by_a_concurrent_transaction(db_engine, clock):
    sessions = session_factory(db_engine)
    async with sessions() as session, session.begin():
        session.add(User(id=7, chat_id=7, first_name="T"))
        await session.flush()
        await timers.schedule(session, 7, timers.BREATH, clock.now)
    async with sessions() as session:
        timer_id = (await session.exec(select(CooldownTimer.id))).one()

    first = sessions()
    await first.begin()
    assert await timers.claim(first, timer_id) is not None

    async def second_claim():
        async with sessions() as session, session.begin():
            return await timers.claim(session, timer_id)

    racing = asyncio.create_task(second_claim())
    await until(lambda: waiting_for_a_lock(db_engine), what="the second transaction to wait")
    await first.commit()
    await first.close()
    assert await racing is None


async def test_a_failing_timer_is_dropped_and_the_others_still_fire(
    coach, couple, en, clock, caplog
):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    async with coach.sessions() as session, session.begin():
        await timers.schedule(session, sam.person.user_id, "mystery", clock.now)
    async with coach.sessions() as session:
        query = select(CooldownTimer.id).where(CooldownTimer.kind == "mystery")
        mystery = (await session.exec(query)).one()
    job = next(p for p in coach.periodic if p.name == "cooldown-timers")

    async def explode(turn, timer):
        raise RuntimeError("boom")

    job.run.handlers["mystery"] = explode  # type: ignore[attr-defined]
    clock.advance(minutes=20)
    outs = await sweep(coach, couple.router)
    assert [o.text for o in outs] == [en("cooldown_ask")]
    [failure] = [r for r in caplog.records if r.getMessage().endswith("failed; dropping it")]
    assert failure.getMessage() == f"cooldown timer {mystery} failed; dropping it"
    assert failure.exc_info is not None and str(failure.exc_info[1]) == "boom"
    assert await sweep(coach, couple.router) == []
    failures = [r for r in caplog.records if r.getMessage().endswith("failed; dropping it")]
    assert failures == [failure], "dropped: it does not fail again at every sweep"


async def test_the_break_of_someone_who_blocked_the_bot_ends_without_a_message(
    coach, couple, en, clock
):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await update_user(coach, alex.person.user_id, active=False)
    clock.advance(minutes=20)
    assert await sweep(coach, couple.router) == []
    async with coach.sessions() as session:
        assert (await session.exec(select(CooldownTimer))).all() == [], "fired, silently"


async def test_forgetting_a_person_removes_their_breaks_and_timers(coach, couple, en):
    alex = couple.alex
    await take_break(alex, en)
    async with coach.sessions() as session, session.begin():
        await session.exec(delete(User).where(User.id == alex.person.user_id))
    async with coach.sessions() as session:
        assert (await session.exec(select(Cooldown))).all() == []
        assert (await session.exec(select(CooldownTimer))).all() == []


async def test_the_sweep_takes_due_timers_oldest_first(engine, clock):
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        session.add(User(id=8, chat_id=8, first_name="T"))
        await session.flush()
        for minutes in (5, -3, 0, -10):
            await timers.schedule(session, 8, timers.BREATH, clock.now + timedelta(minutes=minutes))
    async with sessions() as session:
        due = await timers.due(session, clock.now)
        rows = {t.id: t.due_at for t in (await session.exec(select(CooldownTimer))).all()}
    assert [rows[i] for i, _ in due] == [
        clock.now - timedelta(minutes=10),
        clock.now - timedelta(minutes=3),
        clock.now,
    ]
    async with sessions() as session:
        batch = await timers.due(session, clock.now, limit=2)
    assert batch == due[:2], "a sweep takes a batch at a time, the oldest first"


async def test_a_timer_of_a_kind_no_longer_handled_goes_with_a_warning_naming_it(
    coach, couple, clock, caplog
):
    """A timer written by an older version, of a kind this one no longer knows."""
    async with coach.sessions() as session, session.begin():
        await timers.schedule(session, couple.sam.person.user_id, "retired", clock.now)
    assert await sweep(coach, couple.router) == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["no handler for cooldown timer kind 'retired'"]
    async with coach.sessions() as session:
        assert (await session.exec(select(CooldownTimer))).all() == []
