"""Exercises that come back: planned with "We'll try it", followed up with both partners on
their own next check-in — exactly once, through quiet hours, pauses and a restart — and
revealed together."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.conversations import begin_at
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.nudges.models import SENT, SKIPPED, UNKNOWN
from bot.nudges.schedule import local_minute
from bot.storage.db import create_engine
from tests.nudges.support import (
    TUESDAY_DUE,
    TZ,
    deliver,
    deliveries,
    make_coach,
    meet,
    run_until,
    sweep_of,
    tick,
    update_schedule,
)
from tests.support.people import ALEX, SAM, link, texts

FRIDAY_DUE = TUESDAY_DUE + timedelta(days=3)


@pytest.fixture
def coach(db_engine, content, clock):
    return make_coach(db_engine, content, clock)


async def plan_slow_hello(coach, person):
    """Open "Touch as a language" at its exercise and tap "We'll try it"."""
    await coach.handle(person, lambda turn: begin_at(turn, "physical", "exercise"))
    return await coach.press(person, "n|physical|exercise|0")


def followups(outs, person=None) -> list:
    """Check-ins that carry a follow-up (their first button asks whether it happened)."""
    return [
        o
        for o in outs
        if (person is None or o.chat_id == person.chat_id)
        and any(b.data.startswith("nu|fd|") for row in o.keyboard for b in row)
    ]


def data(out, prefix: str) -> list[str]:
    return [b.data for row in out.keyboard for b in row if b.data.startswith(prefix)]


async def couple_planned(coach) -> None:
    await meet(coach, ALEX, SAM)
    await link(coach, ALEX, SAM)
    await plan_slow_hello(coach, ALEX)


async def rows(coach, model) -> list:
    async with coach.sessions() as session:
        return list((await session.exec(select(model))).all())


async def answer(coach, person, followup, feeling: int | None):
    """Yes + a feeling, or "not this time" when `feeling` is None."""
    if feeling is None:
        return await coach.press(person, data(followup, "nu|fs|")[0])
    asked = await coach.press(person, data(followup, "nu|fd|")[0])
    return await coach.press(person, data(asked[0], "nu|ff|")[feeling - 1])


async def test_well_try_it_tells_the_partner_and_plans_a_follow_up_for_both(coach, clock):
    await meet(coach, ALEX, SAM)
    await link(coach, ALEX, SAM)
    outs = await plan_slow_hello(coach, ALEX)
    assert "I'll ask you and Sam in a few days" in texts(outs, ALEX)[-1]
    [told] = texts(outs, SAM)
    assert "Alex" in told and "yavaş bir merhaba" in told  # in Sam's language
    [plan] = await rows(coach, ExercisePlan)
    assert (plan.source, plan.ref, plan.section) == ("exercise", "slow_hello", "physical")
    found = await rows(coach, ExerciseFollowup)
    assert sorted(f.user_id for f in found) == [ALEX.user_id, SAM.user_id]
    assert all(f.not_before == clock.now + timedelta(days=2) for f in found)


async def test_both_partners_planning_the_same_thing_make_one_plan(coach):
    await meet(coach, ALEX, SAM)
    await link(coach, ALEX, SAM)
    await plan_slow_hello(coach, ALEX)
    outs = await plan_slow_hello(coach, SAM)
    assert "zaten birlikte planlıyorsunuz" in texts(outs, SAM)[-1]
    assert len(await rows(coach, ExercisePlan)) == 1
    assert len(await rows(coach, ExerciseFollowup)) == 2


async def test_the_follow_up_rides_on_each_partners_next_check_in_exactly_once(coach, clock):
    await couple_planned(coach)
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(hours=1), hours=1)
    assert followups(sent) == [], "Tuesday is too soon: two days have not passed"
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(days=8), hours=1)
    for person in (ALEX, SAM):
        [carried] = followups(sent, person)
        assert "Did it happen?" in carried.text or "Oldu mu?" in carried.text
    due = {d.due_at for d in await deliveries(coach) if d.kind == "followup"}
    assert due == {FRIDAY_DUE}


async def test_both_answers_are_revealed_to_both_at_once(coach, clock):
    await couple_planned(coach)
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
    [for_alex], [for_sam] = followups(sent, ALEX), followups(sent, SAM)
    first = await answer(coach, ALEX, for_alex, 4)
    assert texts(first, SAM) == [], "nothing reaches Sam before Sam answered"
    assert "once Sam has answered" in texts(first, ALEX)[-1]
    second = await answer(coach, SAM, for_sam, 5)
    [to_alex] = [t for t in texts(second, ALEX)]
    to_sam = texts(second, SAM)[-1]
    assert "You: it happened — it felt 4/5\nSam: it happened — it felt 5/5" in to_alex
    assert "Sen: oldu — 5/5 hissettirdi\nAlex: oldu — 4/5 hissettirdi" in to_sam
    assert "worth keeping" in to_alex
    again = await coach.press(SAM, data(for_sam, "nu|fd|")[0])
    assert len(again) == 1 and again[0].notice


@pytest.mark.parametrize(
    ("alex", "sam", "warm"),
    [(2, 5, "felt hard"), (4, None, "happened for one of you"), (None, None, "Not this time")],
)
async def test_a_warm_line_whatever_happened(coach, clock, alex, sam, warm):
    await couple_planned(coach)
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
    await answer(coach, ALEX, followups(sent, ALEX)[0], alex)
    outs = await answer(coach, SAM, followups(sent, SAM)[0], sam)
    assert warm in texts(outs, ALEX)[-1]


async def test_not_yet_offers_a_new_day_and_asks_once_more_then(coach, clock):
    await couple_planned(coach)
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
    [carried] = followups(sent, ALEX)
    days = await coach.press(ALEX, data(carried, "nu|fl|")[0])
    assert [b.label for row in days[0].keyboard for b in row][:3] == [
        "Tomorrow",
        "In 3 days",
        "Next week",
    ]
    [chosen] = await coach.press(ALEX, data(days[0], "nu|fy|")[1])  # in three days
    assert chosen.replace and "09.03 at 19:30" in chosen.text
    later = await run_until(coach, clock, FRIDAY_DUE + timedelta(days=10), hours=1)
    again = followups(later, ALEX)
    assert len(again) == 1 and followups(later, SAM) == []
    alex_sends = [d for d in await deliveries(coach, ALEX) if d.kind == "followup"]
    assert [d.due_at for d in alex_sends] == [FRIDAY_DUE, FRIDAY_DUE + timedelta(days=3)]


async def test_no_follow_up_in_quiet_hours_it_waits_for_the_next_good_moment(coach, clock):
    await couple_planned(coach)
    await update_schedule(coach, ALEX, quiet_start=19 * 60, quiet_end=23 * 60)  # 19:30 is quiet
    when: list[int] = []
    while clock.now < FRIDAY_DUE + timedelta(days=8):
        clock.advance(minutes=30)
        sent = followups(await tick(coach), ALEX)
        when += [local_minute(clock.now, TZ)] * len(sent)
    assert len(when) == 1, "exactly once"
    assert not 19 * 60 <= when[0] < 23 * 60, "never in quiet hours"


async def test_a_pause_holds_the_follow_up_until_check_ins_are_back(coach, clock):
    await couple_planned(coach)
    paused = await coach.run_command(SAM, "pause")
    await coach.press(SAM, data(paused[0], "np|")[1])  # a week
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(hours=1), hours=1)
    assert len(followups(sent, ALEX)) == 1 and followups(sent, SAM) == []
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(days=8), hours=1)
    assert len(followups(sent, SAM)) == 1 and followups(sent, ALEX) == []


async def test_a_restart_after_claiming_sends_the_follow_up_exactly_once(
    coach, clock, database_url, content
):
    await couple_planned(coach)
    await run_until(coach, clock, FRIDAY_DUE - timedelta(hours=1), hours=1)
    clock.set(FRIDAY_DUE)
    dead = sweep_of(coach)
    composed = await dead.run()  # claimed and composed; the process dies before sending
    assert len(followups(composed)) == 2
    engine = create_engine(database_url)
    try:
        restarted = make_coach(engine, content, clock)
        survivor = sweep_of(restarted)
        clock.advance(minutes=6)
        taken = await survivor.run()
        assert sorted(o.text for o in followups(taken)) == sorted(o.text for o in composed)
        assert not await dead.admit(composed[0])
        await deliver(survivor, taken)
        sent = await run_until(restarted, clock, FRIDAY_DUE + timedelta(days=8), hours=1)
        assert followups(sent) == []
        carried = [d for d in await deliveries(restarted) if d.kind == "followup"]
        assert [d.status for d in carried] == [SENT, SENT]
    finally:
        await engine.dispose()


async def test_a_follow_up_whose_check_in_was_lost_rides_on_the_next_one(coach, clock):
    await couple_planned(coach)
    await run_until(coach, clock, FRIDAY_DUE - timedelta(hours=1), hours=1)
    clock.set(FRIDAY_DUE)
    await sweep_of(coach).run()  # composed, never sent, and then too late to send
    clock.advance(hours=3)
    assert await tick(coach) == []
    assert {d.status for d in await deliveries(coach) if d.kind == "followup"} == {SKIPPED}
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(days=5), hours=1)
    assert len(followups(sent, ALEX)) == 1 and len(followups(sent, SAM)) == 1


async def test_a_send_cut_off_mid_request_is_not_asked_again(coach, clock):
    await couple_planned(coach)
    await run_until(coach, clock, FRIDAY_DUE - timedelta(hours=1), hours=1)
    clock.set(FRIDAY_DUE)
    sweep = sweep_of(coach)
    for out in await sweep.run():
        assert await sweep.admit(out)  # the request left; the process died before recording
    clock.advance(minutes=6)
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(days=8), hours=1)
    assert followups(sent) == [], "it may have arrived: never twice"
    assert {d.status for d in await deliveries(coach) if d.kind == "followup"} == {UNKNOWN}


async def test_alone_the_answer_is_thanked_and_kept(coach, clock):
    await meet(coach, ALEX)
    outs = await plan_slow_hello(coach, ALEX)
    assert "I'll ask you in a few days" in texts(outs, ALEX)[-1]
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
    outs = await answer(coach, ALEX, followups(sent, ALEX)[0], 2)
    assert "Hard is useful to know" in texts(outs, ALEX)[-1]


async def test_an_exercise_that_felt_hard_comes_first_in_the_suggestions(coach, clock):
    await couple_planned(coach)
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
    await answer(coach, ALEX, followups(sent, ALEX)[0], 1)
    [menu] = await coach.run_command(ALEX, "topics")
    first = menu.text.splitlines()[1]
    assert first.startswith("• Touch as a language — the exercise from it felt hard")


@pytest.mark.postgres
async def test_both_answering_at_once_reveals_exactly_once_on_postgres(
    postgres_url, content, clock
):
    engine = create_engine(postgres_url)
    try:
        coach = make_coach(engine, content, clock)
        await couple_planned(coach)
        sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
        asked_a = await coach.press(ALEX, data(followups(sent, ALEX)[0], "nu|fd|")[0])
        asked_s = await coach.press(SAM, data(followups(sent, SAM)[0], "nu|fd|")[0])
        outs_a, outs_s = await asyncio.gather(
            coach.press(ALEX, data(asked_a[0], "nu|ff|")[3]),
            coach.press(SAM, data(asked_s[0], "nu|ff|")[4]),
        )
        reveals = [o.chat_id for o in outs_a + outs_s if "4/5" in o.text and "5/5" in o.text]
        assert sorted(reveals) == [ALEX.chat_id, SAM.chat_id]
    finally:
        await engine.dispose()
