"""The sweep on SQLite and a real PostgreSQL: claims are atomic, sends happen exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Column

from bot.coach import Coach
from bot.delivery.record import ClaimConflict
from bot.nudges import sweep as sweep_module
from bot.nudges.models import CLAIMED, NUDGE, SENDING, SENT, SKIPPED, SUMMARY, UNKNOWN
from bot.nudges.plan import Reason
from bot.sending import Outcome
from bot.storage.db import create_engine
from tests.nudges.support import (
    TUESDAY_DUE,
    deliver,
    deliveries,
    make_coach,
    meet,
    run_until,
    schedule,
    sweep_of,
    tick,
    update_schedule,
)
from tests.support.people import ALEX, KIM, SAM, update_user


@pytest.fixture
def coach(db_engine, content, clock):
    return make_coach(db_engine, content, clock)


@pytest.fixture
async def sqlite_coach(sqlite_url, content, clock) -> AsyncIterator[Coach]:
    """A coach on SQLite, which reports per-row counts: where the stale-read guards act."""
    from bot.storage.migrate import migrate

    engine = create_engine(sqlite_url)
    await migrate(engine)
    try:
        yield make_coach(engine, content, clock)
    finally:
        await engine.dispose()


def change_after_reading(monkeypatch: pytest.MonkeyPatch, column: Column, **values: object) -> None:
    """Sam's schedule row changes between the sweep reading `column` due and claiming it."""
    read = sweep_module._lock_due
    schedules = sweep_module.SCHEDULES

    async def read_then_changed(session, due, now, limit, *extra):  # type: ignore[no-untyped-def]
        rows = await read(session, due, now, limit, *extra)
        if due is column:
            changed = schedules.update().where(schedules.c.user_id == SAM.user_id)
            await session.exec(changed.values(**values))
        return rows

    monkeypatch.setattr(sweep_module, "_lock_due", read_then_changed)


async def test_a_new_person_gets_the_default_schedule_and_one_check_in_when_due(
    coach, clock
) -> None:
    await meet(coach, ALEX)
    assert await tick(coach) == [], "nothing is due on the first day"
    row = await schedule(coach, ALEX)
    assert (row.days, row.minute, row.next_due_at) == ("1,4", 19 * 60 + 30, TUESDAY_DUE)
    clock.set(TUESDAY_DUE + timedelta(seconds=30))
    sent = await tick(coach)
    assert [o.chat_id for o in sent] == [ALEX.chat_id]
    assert await tick(coach) == [], "a second sweep finds nothing"
    [delivery] = await deliveries(coach, ALEX)
    assert (delivery.status, delivery.due_at) == (SENT, TUESDAY_DUE)
    assert (await schedule(coach, ALEX)).next_due_at == TUESDAY_DUE + timedelta(days=3)


async def test_a_backfill_gives_everyone_a_schedule_in_bulk(coach) -> None:
    await meet(coach, ALEX, SAM, KIM)
    await sweep_of(coach).claim(coach.clock())
    for person in (ALEX, SAM, KIM):
        assert (await schedule(coach, person)).next_due_at == TUESDAY_DUE


async def test_someone_new_gets_the_default_schedule_from_a_sweep_a_minute_later(
    coach, clock
) -> None:
    """Not only the first sweep gives newcomers their schedule: one does every minute."""
    await meet(coach, ALEX)
    await tick(coach)
    await coach.run_command(SAM, "help")  # Sam writes for the first time
    clock.advance(minutes=1)
    await tick(coach)
    assert (await schedule(coach, SAM)).next_due_at == TUESDAY_DUE


async def test_two_processes_sweeping_at_once_never_claim_the_same_check_in(
    database_url, content, clock, coach
) -> None:
    people = [ALEX, SAM, KIM]
    await meet(coach, *people)
    await sweep_of(coach).claim(clock())
    clock.set(TUESDAY_DUE + timedelta(minutes=1))
    other_engine = create_engine(database_url)
    try:
        other = make_coach(other_engine, content, clock)
        results = await asyncio.gather(
            *(sweep_of(c).claim(clock()) for c in (coach, other, coach, other))
        )
        claims = [claim for result in results for claim in result]
        assert sorted(user_id for _, user_id in claims) == sorted(p.user_id for p in people)
        assert len({delivery_id for delivery_id, _ in claims}) == len(people)
    finally:
        await other_engine.dispose()


@pytest.mark.postgres
async def test_rows_another_process_is_claiming_are_skipped_not_waited_for(
    postgres_url, content, clock
) -> None:
    """`FOR UPDATE SKIP LOCKED`: while one process holds its claim open, a second
    one claims nothing and finishes at once instead of queueing behind the locks."""
    first_engine, second_engine = create_engine(postgres_url), create_engine(postgres_url)
    try:
        first, second = (make_coach(e, content, clock) for e in (first_engine, second_engine))
        people = [ALEX, SAM, KIM]
        await meet(first, *people)
        clock.set(TUESDAY_DUE + timedelta(minutes=1))
        holder, other = sweep_of(first), sweep_of(second)
        other._backfilled_at = holder._backfilled_at = clock()
        holding, release = asyncio.Event(), asyncio.Event()
        insert = holder.record.insert

        async def insert_then_hold(session, rows):  # type: ignore[no-untyped-def]
            inserted = await insert(session, rows)
            if inserted:
                holding.set()
                await release.wait()  # the transaction, and its row locks, stay open
            return inserted

        holder.record.insert = insert_then_hold  # type: ignore[method-assign]
        held = asyncio.create_task(holder.claim(clock()))
        await asyncio.wait_for(holding.wait(), timeout=30)
        racing = asyncio.create_task(other.claim(clock()))
        done, _ = await asyncio.wait({racing}, timeout=20)
        release.set()
        assert done, "the second process waited for the first one's locks"
        assert racing.result() == [], "locked rows are skipped"
        claims = await held
        assert sorted(user_id for _, user_id in claims) == sorted(p.user_id for p in people)
    finally:
        release.set()
        await first_engine.dispose()
        await second_engine.dispose()


async def test_a_turn_holding_a_persons_row_delays_their_check_in_never_drops_it(
    postgres_url, content, clock
) -> None:
    """The sweep locks schedule rows only, never skips one because a turn holds the
    person's own row (linking locks both people's): the claim waits for that turn, as
    the new delivery row's key to the person must, and then includes them."""
    from sqlalchemy import text

    from bot.couples.linking import lock_users
    from tests.support.waiting import until

    engine = create_engine(postgres_url)
    try:
        coach = make_coach(engine, content, clock)
        await meet(coach, ALEX, SAM)
        clock.set(TUESDAY_DUE + timedelta(minutes=1))

        async def waiting_or_done(task: asyncio.Task) -> bool:
            query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            async with coach.sessions() as session:
                connection = await session.connection()
                waiting = (await connection.execute(text(query))).scalar_one()
            return task.done() or waiting > 0

        async with coach.sessions() as turn:
            async with turn.begin():
                await lock_users(turn, [ALEX.user_id])
                claiming = asyncio.create_task(sweep_of(coach).claim(clock()))
                await until(lambda: waiting_or_done(claiming), what="the sweep's claim")
            claims = await asyncio.wait_for(claiming, 20)
        assert sorted(user for _, user in claims) == [ALEX.user_id, SAM.user_id]
    finally:
        await engine.dispose()


async def test_a_schedule_row_changed_since_it_was_read_rolls_the_whole_claim_back(
    sqlite_coach, clock, monkeypatch
) -> None:
    """The guard behind the locks: should a row change between reading and claiming,
    nothing is claimed rather than acting on a stale read (SQLite reports per-row
    counts; asyncpg does not, so PostgreSQL relies on the locks alone)."""
    coach = sqlite_coach
    await meet(coach, ALEX, SAM)
    clock.set(TUESDAY_DUE + timedelta(minutes=1))
    later = TUESDAY_DUE + timedelta(days=3)
    change_after_reading(monkeypatch, sweep_module.SCHEDULES.c.next_due_at, next_due_at=later)
    with pytest.raises(ClaimConflict):
        await sweep_of(coach).claim(clock())
    assert await deliveries(coach) == []
    assert (await schedule(coach, ALEX)).next_due_at == TUESDAY_DUE, "rolled back"


async def both_ask_for_the_weekly_picture(coach: Coach, clock) -> datetime:
    """Alex and Sam ask for the weekly picture, due for both at one hour, and that hour
    is a minute past: returns it."""
    await meet(coach, ALEX, SAM)
    for person in (ALEX, SAM):
        await coach.press(person, "ns|s|1")
    due = (await schedule(coach, ALEX)).summary_due_at
    assert due is not None and (await schedule(coach, SAM)).summary_due_at == due
    clock.set(due + timedelta(minutes=1))
    return due


async def test_a_weekly_picture_row_changed_since_it_was_read_rolls_its_claim_back(
    sqlite_coach, clock, monkeypatch
) -> None:
    """The same guard for the weekly pictures' claim."""
    coach = sqlite_coach
    due = await both_ask_for_the_weekly_picture(coach, clock)
    later = due + timedelta(days=7)
    change_after_reading(monkeypatch, sweep_module.SCHEDULES.c.summary_due_at, summary_due_at=later)
    with pytest.raises(ClaimConflict):
        await sweep_of(coach).claim(clock())
    assert [d for d in await deliveries(coach) if d.stream == SUMMARY] == []
    assert (await schedule(coach, ALEX)).summary_due_at == due, "rolled back"


async def test_a_claim_renewed_since_it_was_read_is_not_taken_over(
    sqlite_url, content, clock
) -> None:
    """The same guard for taking over a claim: one whose lease changed between reading
    and taking over (its owner renewed it) makes the take-over roll back, not steal it."""
    from sqlalchemy import update

    from bot.storage.migrate import migrate

    engine = create_engine(sqlite_url)
    await migrate(engine)
    try:
        coach = make_coach(engine, content, clock)
        await meet(coach, ALEX)
        await tick(coach)
        clock.set(TUESDAY_DUE)
        owner = sweep_of(coach)
        assert len(await owner.run()) == 1  # claimed, then seemingly gone
        clock.advance(minutes=6)
        renewed = clock.now + owner.record.lease

        class Read:
            def __init__(self, rows: list) -> None:
                self.rows = rows

            def all(self) -> list:
                return self.rows

        class RenewedAfterReading:
            """The taker's session; right after it reads the claims, the owner renews."""

            def __init__(self, session) -> None:  # type: ignore[no-untyped-def]
                self.session, self.read = session, False

            def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
                return getattr(self.session, name)

            async def exec(self, statement, **kw):  # type: ignore[no-untyped-def]
                result = await self.session.exec(statement, **kw)
                if self.read:
                    return result
                self.read = True
                rows = list(result.all())
                deliveries_table = sweep_module.DELIVERIES
                await self.session.exec(update(deliveries_table).values(lease_until=renewed))
                return Read(rows)

        taker = sweep_of(make_coach(engine, content, clock)).record
        with pytest.raises(ClaimConflict):
            async with coach.sessions() as session, session.begin():
                await taker.reclaim(RenewedAfterReading(session), clock(), 10)
        [row] = await deliveries(coach, ALEX)
        assert (row.status, row.owner) == (CLAIMED, owner.owner), "still the owner's"
    finally:
        await engine.dispose()


async def test_after_downtime_within_the_grace_window_the_check_in_is_sent_once(
    coach, clock
) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE + timedelta(hours=1, minutes=50))  # the bot was down until now
    sent = await tick(coach)
    assert len(sent) == 1
    assert await run_until(coach, clock, TUESDAY_DUE + timedelta(days=1)) == []


async def test_after_long_downtime_missed_check_ins_are_skipped_never_sent_in_a_burst(
    coach, clock, caplog
) -> None:
    await meet(coach, ALEX, SAM)
    await tick(coach)
    clock.set(TUESDAY_DUE + timedelta(days=7, hours=3))  # down for a week: three occurrences
    with caplog.at_level(logging.INFO, logger="bot.nudges.sweep"):
        assert await tick(coach) == []
    said = [r.getMessage() for r in caplog.records if r.name == "bot.nudges.sweep"]
    assert said == [f"check-ins not sent: { {Reason.LATE: 2} }"], "counted by reason"
    row = await schedule(coach, ALEX)
    assert row.next_due_at is not None and row.next_due_at > clock.now
    assert row.next_due_at == TUESDAY_DUE + timedelta(days=10)
    assert await deliveries(coach, ALEX) == []


async def test_a_check_in_found_due_once_quiet_hours_began_is_not_sent_then(
    db_engine, content, clock, caplog
) -> None:
    """The bot was down until 22:15 in Alex's city, past the start of the default quiet
    hours (22:00): the check-in, still within the operator's grace of three hours, is not
    sent late at night."""
    coach = make_coach(db_engine, content, clock, nudge_grace_minutes=180)
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE + timedelta(hours=2, minutes=45))
    with caplog.at_level(logging.INFO, logger="bot.nudges.sweep"):
        assert await tick(coach) == []
    said = [r.getMessage() for r in caplog.records if r.name == "bot.nudges.sweep"]
    assert said == [f"check-ins not sent: { {Reason.QUIET: 1} }"]
    assert await deliveries(coach, ALEX) == []


async def test_a_claim_left_by_a_dead_process_is_taken_over_after_its_lease(
    database_url, content, clock, coach, caplog
) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    dead = sweep_of(coach)
    outs = await dead.run()  # claimed and composed, then the process died before sending
    assert len(outs) == 1
    other_engine = create_engine(database_url)
    try:
        survivor = sweep_of(make_coach(other_engine, content, clock))
        assert await survivor.run() == [], "the lease still protects the claim"
        clock.advance(seconds=survivor.record.lease.total_seconds())
        assert await survivor.run() == [], "up to its very last instant"
        clock.advance(minutes=1)  # past the 5-minute lease
        with caplog.at_level(logging.INFO, logger="bot.nudges.sweep"):
            taken = await survivor.run()
        said = [r.getMessage() for r in caplog.records if r.name == "bot.nudges.sweep"]
        assert said == ["took over 1 check-ins from a stopped process or a pause"]
        assert len(taken) == 1 and taken[0].text == outs[0].text, "the same check-in"
        assert not await dead.admit(outs[0]), "the old owner may no longer send it"
        assert await deliver(survivor, taken) == taken
        assert [d.status for d in await deliveries(coach, ALEX)] == [SENT]
    finally:
        await other_engine.dispose()


async def test_claims_left_by_a_dead_process_are_taken_over_a_batch_at_a_time(
    database_url, content, clock
) -> None:
    dead_engine, other_engine = create_engine(database_url), create_engine(database_url)
    try:
        dead = make_coach(dead_engine, content, clock)
        await meet(dead, ALEX, SAM, KIM)
        await tick(dead)
        clock.set(TUESDAY_DUE)
        assert len(await sweep_of(dead).run()) == 3  # claimed, then the process died
        survivor = make_coach(other_engine, content, clock, nudge_batch_size=2)
        clock.advance(minutes=6)  # past the lease
        assert len(await sweep_of(survivor).run()) == 2
        assert len(await sweep_of(survivor).run()) == 1
    finally:
        await dead_engine.dispose()
        await other_engine.dispose()


async def test_a_process_that_lost_its_claim_cannot_give_it_up(
    database_url, content, clock, coach
) -> None:
    """Composing outlasted the lease and another process took the check-in over: when the
    first one's composing then fails, the check-in is still the other's to send."""
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    slow = sweep_of(coach)
    [(delivery_id, _)] = await slow.claim(clock.now)
    other_engine = create_engine(database_url)
    try:
        survivor = sweep_of(make_coach(other_engine, content, clock))
        clock.advance(minutes=6)  # past the 5-minute lease
        taken = await survivor.run()
        await slow.record.give_up(delivery_id)
        assert [d.status for d in await deliveries(coach, ALEX)] == [CLAIMED]
        assert await deliver(survivor, taken) == taken
        assert [d.status for d in await deliveries(coach, ALEX)] == [SENT]
    finally:
        await other_engine.dispose()


async def test_a_claim_found_too_late_is_skipped(coach, clock) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    await sweep_of(coach).run()  # claimed, never sent
    clock.advance(hours=3)
    assert await tick(coach) == []
    assert [d.status for d in await deliveries(coach, ALEX)] == [SKIPPED]


async def test_a_claim_found_at_the_last_instant_of_its_grace_is_still_sent(coach, clock) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    sweep = sweep_of(coach)
    await sweep.run()  # claimed, never sent
    clock.set(TUESDAY_DUE + sweep.nudging.grace)
    assert len(await tick(coach)) == 1
    assert [d.status for d in await deliveries(coach, ALEX)] == [SENT]


async def test_a_send_interrupted_mid_request_is_never_repeated(coach, clock, caplog) -> None:
    """Marked unknown once its lease is over, and the operator is told how many."""
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    sweep = sweep_of(coach)
    [out] = await sweep.run()
    assert await sweep.admit(out)  # the request left; the process died before recording
    assert [d.status for d in await deliveries(coach, ALEX)] == [SENDING]
    clock.advance(seconds=sweep.record.lease.total_seconds())
    assert await tick(coach) == []
    assert [d.status for d in await deliveries(coach, ALEX)] == [SENDING], (
        "its lease's last instant"
    )
    clock.advance(minutes=1)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.record"):
        assert await tick(coach) == []
    assert [d.status for d in await deliveries(coach, ALEX)] == [UNKNOWN]
    said = [r.getMessage() for r in caplog.records if r.name == "bot.delivery.record"]
    assert said == ["1 check-in sends were interrupted; not repeating them"]


async def test_a_send_that_certainly_failed_is_tried_again_later(coach, clock) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    sweep = sweep_of(coach)
    assert await deliver(sweep, await sweep.run(), Outcome.FAILED) == []
    assert [d.status for d in await deliveries(coach, ALEX)] == [CLAIMED]
    assert await tick(coach) == [], "not straight away"
    clock.advance(minutes=2)
    assert len(await tick(coach)) == 1
    assert [d.status for d in await deliveries(coach, ALEX)] == [SENT]


async def test_someone_who_blocked_the_bot_gets_no_check_ins(coach, clock) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    sweep = sweep_of(coach)
    outs = await sweep.run()
    await deliver(sweep, outs, Outcome.BLOCKED)
    await coach.mark_unreachable(ALEX.user_id)  # what the transport does on Forbidden
    assert [d.status for d in await deliveries(coach, ALEX)] == ["blocked"]
    assert await run_until(coach, clock, TUESDAY_DUE + timedelta(days=8), hours=1) == []
    await meet(coach, ALEX)  # they come back and write again
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=11), hours=1)
    assert len(sent) == 1


async def test_a_pause_set_by_another_feature_is_respected(coach, clock) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    await update_user(coach, ALEX, nudges_paused_until=TUESDAY_DUE + timedelta(hours=12))
    assert await run_until(coach, clock, TUESDAY_DUE + timedelta(days=1), hours=1) == []
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=3, hours=1), hours=1)
    assert len(sent) == 1, "Friday's check-in comes as usual"


async def test_no_more_than_one_unprompted_check_in_a_day(coach, clock) -> None:
    await meet(coach, ALEX)
    await tick(coach)
    await update_schedule(coach, ALEX, last_nudged_at=TUESDAY_DUE - timedelta(hours=2))
    clock.set(TUESDAY_DUE)
    assert await tick(coach) == []


async def test_a_batch_limit_spreads_a_crowd_over_several_sweeps(db_engine, content, clock):
    coach = make_coach(db_engine, content, clock, nudge_batch_size=2)
    await meet(coach, ALEX, SAM, KIM)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    assert len(await tick(coach)) == 2
    assert len(await tick(coach)) == 1
    assert await tick(coach) == []


async def test_with_a_batch_limit_the_longest_overdue_check_ins_go_first(db_engine, content, clock):
    """Kim's check-in came due first and Alex's last, written in the opposite order (as
    PostgreSQL keeps updated rows): the sweep takes them oldest due first, not as stored."""
    coach = make_coach(db_engine, content, clock, nudge_batch_size=1)
    await meet(coach, ALEX, SAM, KIM)
    await tick(coach)
    for minutes, person in ((30, ALEX), (20, SAM), (10, KIM)):
        await update_schedule(coach, person, next_due_at=TUESDAY_DUE + timedelta(minutes=minutes))
    clock.set(TUESDAY_DUE + timedelta(hours=1))
    order = [[out.chat_id for out in await tick(coach)] for _ in range(3)]
    assert order == [[KIM.chat_id], [SAM.chat_id], [ALEX.chat_id]]


async def test_a_batch_of_one_sends_one_check_in_a_sweep(db_engine, content, clock):
    coach = make_coach(db_engine, content, clock, nudge_batch_size=1)
    await meet(coach, ALEX, SAM)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    assert len(await tick(coach)) == 1
    assert len(await tick(coach)) == 1
    assert await tick(coach) == []


async def test_claims_taken_over_count_towards_the_batch(db_engine, content, clock):
    dead = make_coach(db_engine, content, clock, nudge_batch_size=1)
    await meet(dead, ALEX, SAM, KIM)
    await tick(dead)
    clock.set(TUESDAY_DUE)
    assert len(await sweep_of(dead).run()) == 1  # claimed and composed, then it died
    coach = make_coach(db_engine, content, clock, nudge_batch_size=2)
    clock.advance(minutes=6)  # past the lease
    assert len(await tick(coach)) == 2, "the one taken over, and one more"
    assert len(await tick(coach)) == 1
    assert await tick(coach) == []


async def test_weekly_pictures_keep_to_the_batch_limit_too(db_engine, content, clock):
    coach = make_coach(db_engine, content, clock, nudge_batch_size=1)
    await both_ask_for_the_weekly_picture(coach, clock)
    sweep = sweep_of(coach)
    assert len(await sweep.claim(clock())) == 1
    assert len(await sweep.claim(clock())) == 1
    assert await sweep.claim(clock()) == []
    assert len([d for d in await deliveries(coach) if d.stream == SUMMARY]) == 2


async def test_a_check_in_that_cannot_be_composed_does_not_hold_up_the_others(
    coach, clock, monkeypatch, caplog
) -> None:
    await meet(coach, ALEX, SAM)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    composer = sweep_of(coach).composer
    original = composer.compose

    async def broken_for_alex(turn, delivery_id, owner):
        if turn.user.id == ALEX.user_id:
            raise RuntimeError("bad data")
        await original(turn, delivery_id, owner)

    monkeypatch.setattr(composer, "compose", broken_for_alex)
    with caplog.at_level(logging.ERROR, logger="bot.nudges.sweep"):
        sent = await tick(coach)
    assert [o.chat_id for o in sent] == [SAM.chat_id]
    rows = await deliveries(coach)
    statuses = {d.user_id: d.status for d in rows}
    assert statuses == {ALEX.user_id: "failed", SAM.user_id: SENT}
    [alexs] = [d.id for d in rows if d.user_id == ALEX.user_id]
    [logged] = [r for r in caplog.records if r.name == "bot.nudges.sweep"]
    assert logged.getMessage() == f"could not compose check-in {alexs}; it will not be sent"
    assert logged.exc_info is not None and str(logged.exc_info[1]) == "bad data"


async def test_a_check_in_claimed_again_after_it_was_sent_is_skipped_and_counted(
    coach, clock, caplog
) -> None:
    await meet(coach, ALEX, SAM)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    await tick(coach)
    sent = await deliveries(coach)
    assert len(sent) == 2
    record = sweep_of(coach).record
    again = [
        record.claim(d.user_id, clock(), due_at=d.due_at, claimed_at=clock(), stream=d.stream)
        for d in sent
    ]
    later = sent[0].due_at + timedelta(days=1)
    new = record.claim(sent[0].user_id, clock(), due_at=later, claimed_at=clock(), stream=NUDGE)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.record"):
        async with coach.sessions() as session, session.begin():
            claimed = await record.insert(session, [*again, new])
    assert [user for _, user in claimed] == [sent[0].user_id], "only the new one"
    assert [r.getMessage() for r in caplog.records if r.name == "bot.delivery.record"] == [
        "2 check-ins were already delivered; skipped"
    ]
    assert len(await deliveries(coach)) == 3


async def test_check_ins_go_to_as_many_chats_at_once_as_the_settings_allow(
    engine, content, clock
) -> None:
    """TELEGRAM_SEND_CONCURRENCY holds for check-ins as for replies: the sweep's job asks the
    transport for that many chats at once, not one at a time (the job's default), which
    would queue a Sunday evening's check-ins behind each other."""
    coach = make_coach(engine, content, clock, telegram_send_concurrency=3)
    [job] = [p for p in coach.periodic if p.name == "nudges"]
    assert job.concurrency == 3
