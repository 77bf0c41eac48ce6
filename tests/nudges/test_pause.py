"""/pause and /resume, and living alongside a pause that a safety signal set."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.nudges.support import TUESDAY_DUE, button, make_coach, meet, run_until, schedule
from tests.support.people import ALEX, update_user, user

FRIDAY_DUE = TUESDAY_DUE + timedelta(days=3)


@pytest.fixture
def coach(engine, content, clock):
    return make_coach(engine, content, clock)


async def pause(coach, choice: str):
    prompt = await coach.run_command(ALEX, "pause")
    return await coach.press(ALEX, button(prompt[0], choice))


async def test_pause_for_a_day_skips_that_day_only(coach, clock) -> None:
    await meet(coach, ALEX)
    clock.set(TUESDAY_DUE - timedelta(hours=2))
    said = await pause(coach, "For a day")
    assert said[0].replace and "Wed, Mar 4, 17:30" in said[0].text
    assert await run_until(coach, clock, TUESDAY_DUE + timedelta(days=1), hours=1) == []
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=30), hours=1)
    assert len(sent) == 1


async def test_pause_for_a_week_then_resume_early(coach, clock) -> None:
    await meet(coach, ALEX)
    await pause(coach, "For a week")
    assert await run_until(coach, clock, FRIDAY_DUE + timedelta(hours=1), hours=1) == []
    resumed = await coach.run_command(ALEX, "resume")
    assert "back on" in resumed[0].text and "Tue, Mar 10, 19:30" in resumed[0].text
    assert (await user(coach, ALEX)).nudges_paused_until is None
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=7, hours=1), hours=1)
    assert len(sent) == 1


async def test_pause_until_resumed(coach, clock) -> None:
    await meet(coach, ALEX)
    said = await pause(coach, "Until I turn them back on")
    assert "/resume" in said[0].text
    assert await run_until(coach, clock, TUESDAY_DUE + timedelta(days=21), hours=6) == []
    overview = await coach.press(ALEX, "ns|o")  # three weeks on: a welcome back comes first
    assert "Paused until you turn them back on" in overview[-1].text
    await coach.run_command(ALEX, "resume")
    row = await schedule(coach, ALEX)
    assert row.next_due_at is not None and row.next_due_at - clock.now < timedelta(days=4)


async def test_resume_when_not_paused_says_so(coach) -> None:
    await meet(coach, ALEX)
    outs = await coach.run_command(ALEX, "resume")
    assert "aren't paused" in outs[0].text


async def test_resume_never_lifts_a_safety_pause_set_before(coach, clock) -> None:
    await meet(coach, ALEX)
    safety = clock.now + timedelta(days=1)
    await update_user(coach, ALEX, nudges_paused_until=safety)
    await pause(coach, "For a week")
    outs = await coach.run_command(ALEX, "resume")
    assert (await user(coach, ALEX)).nudges_paused_until == safety
    assert "a little longer" in outs[0].text


async def test_resume_never_lifts_a_safety_pause_set_after(coach, clock) -> None:
    await meet(coach, ALEX)
    await pause(coach, "For a day")
    safety = clock.now + timedelta(days=3)
    await update_user(coach, ALEX, nudges_paused_until=safety)  # a safety signal meanwhile
    await coach.run_command(ALEX, "resume")
    assert (await user(coach, ALEX)).nudges_paused_until == safety


async def test_a_shorter_pause_never_shortens_a_longer_one(coach, clock) -> None:
    await meet(coach, ALEX)
    await pause(coach, "For a week")
    await pause(coach, "For a day")
    paused = (await user(coach, ALEX)).nudges_paused_until
    assert paused == clock.now + timedelta(weeks=1)
    await coach.run_command(ALEX, "resume")
    assert (await user(coach, ALEX)).nudges_paused_until is None, "both were mine to lift"
