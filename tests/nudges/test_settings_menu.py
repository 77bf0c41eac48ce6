"""/settings → Check-ins: days, time, timezone (city, typed, location), quiet hours, summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.nudges.settings_menu import resolve_timezone
from tests.nudges.support import (
    TUESDAY_DUE,
    button,
    deliveries,
    make_coach,
    meet,
    run_until,
    schedule,
    sweep_of,
    update_schedule,
)
from tests.support.people import ALEX, speaking, user


@pytest.fixture
def coach(engine, content, clock):
    return make_coach(engine, content, clock)


async def open_checkins(coach):
    menu = await coach.run_command(ALEX, "settings")
    return (await coach.press(ALEX, button(menu[0], "Check-ins")))[0]


async def test_settings_lists_each_feature_and_opens_the_check_in_section(coach) -> None:
    await meet(coach, ALEX)
    menu = await coach.run_command(ALEX, "settings")
    assert "set|checkins" in [b.data for row in menu[0].keyboard for b in row]
    overview = await open_checkins(coach)
    for line in ("Tue, Fri", "19:30 (Europe/Istanbul)", "22:00–08:00", "Weekly picture: off"):
        assert line in overview.text
    assert "Next check-in: Tue, Mar 3, 19:30" in overview.text


async def test_toggling_days_changes_the_next_check_in(coach) -> None:
    await meet(coach, ALEX)
    overview = await open_checkins(coach)
    days = await coach.press(ALEX, button(overview, "Days"))
    assert days[0].replace and "✓ Tue" in [b.label for r in days[0].keyboard for b in r]
    await coach.press(ALEX, button(days[0], "Tue"))  # Tuesday off
    await coach.press(ALEX, "ns|dt|0")  # Monday on
    row = await schedule(coach, ALEX)
    assert row.days == "0,4"
    assert row.next_due_at == TUESDAY_DUE + timedelta(days=3), "Friday comes first now"


async def test_the_last_day_cannot_be_switched_off(coach) -> None:
    await meet(coach, ALEX)
    await coach.press(ALEX, "ns|dt|1")
    outs = await coach.press(ALEX, "ns|dt|4")
    assert outs[0].notice and "at least one day" in outs[0].text
    assert (await schedule(coach, ALEX)).days == "4"


async def test_a_time_can_be_picked_or_typed(coach) -> None:
    await meet(coach, ALEX)
    await coach.press(ALEX, f"ns|ts|{12 * 60 + 30}")
    assert (await schedule(coach, ALEX)).next_due_at == datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    prompt = await coach.press(ALEX, "ns|t")
    assert "20:15" in prompt[0].text
    bad = await coach.text(ALEX, "half past eight")
    assert "couldn't read" in bad[0].text
    good = await coach.text(ALEX, "20:15")
    assert "20:15" in good[0].text
    row = await schedule(coach, ALEX)
    assert (row.minute, row.next_due_at) == (20 * 60 + 15, datetime(2026, 3, 3, 17, 15, tzinfo=UTC))
    after = await coach.text(ALEX, "21:00")
    assert (await schedule(coach, ALEX)).minute == 20 * 60 + 15, "typed once, then back to normal"
    assert "21:00" not in after[0].text


async def test_a_time_inside_quiet_hours_is_explained(coach) -> None:
    await meet(coach, ALEX)
    outs = await coach.press(ALEX, f"ns|ts|{23 * 60}")
    assert "quiet hours" in outs[0].text and "08:00" in outs[0].text
    row = await schedule(coach, ALEX)
    assert row.next_due_at == datetime(2026, 3, 4, 5, tzinfo=UTC), "Wednesday 08:00 local"


async def test_timezone_from_the_city_list(coach) -> None:
    await meet(coach, ALEX)
    menu = await coach.press(ALEX, "ns|z")
    berlin = button(menu[0], "Berlin")
    done = await coach.press(ALEX, berlin)
    assert "Europe/Berlin" in done[0].text
    assert (await user(coach, ALEX)).timezone == "Europe/Berlin"
    assert (await schedule(coach, ALEX)).next_due_at == datetime(2026, 3, 3, 18, 30, tzinfo=UTC)


async def test_timezone_typed_as_an_iana_name_is_validated(coach) -> None:
    await meet(coach, ALEX)
    await coach.press(ALEX, "ns|z")
    bad = await coach.text(ALEX, "Mars/Olympus_Mons")
    assert "don't know that timezone" in bad[0].text
    good = await coach.text(ALEX, "america/new_york")
    assert "America/New_York" in good[0].text
    assert (await schedule(coach, ALEX)).next_due_at == datetime(2026, 3, 4, 0, 30, tzinfo=UTC)


async def test_timezone_from_a_shared_location(coach) -> None:
    await meet(coach, ALEX)
    outs = await coach.shared_location(ALEX, 35.0, 135.7)  # Kyoto
    assert "Osaka" in outs[0].text and "Asia/Tokyo" in outs[0].text
    assert (await user(coach, ALEX)).timezone == "Asia/Tokyo"
    nonsense = await coach.shared_location(ALEX, 123.0, 500.0)
    assert "couldn't use that location" in nonsense[0].text


async def test_quiet_hours_presets_and_off(coach) -> None:
    await meet(coach, ALEX)
    menu = await coach.press(ALEX, "ns|q")
    await coach.press(ALEX, button(menu[0], "23:00–07:00"))
    row = await schedule(coach, ALEX)
    assert (row.quiet_start, row.quiet_end) == (23 * 60, 7 * 60)
    await coach.press(ALEX, "ns|qs|off")
    row = await schedule(coach, ALEX)
    assert (row.quiet_start, row.quiet_end) == (None, None)
    forged = await coach.press(ALEX, "ns|qs|60|120")
    assert forged[0].notice


async def test_the_weekly_picture_is_opt_in(coach, clock) -> None:
    await meet(coach, ALEX)
    overview = await open_checkins(coach)
    on = await coach.press(ALEX, button(overview, "Turn on the weekly picture"))
    assert "Sunday" in on[0].text
    row = await schedule(coach, ALEX)
    assert row.summary and row.summary_due_at == datetime(2026, 3, 8, 15, tzinfo=UTC)
    await coach.press(ALEX, "ns|s|0")
    assert (await schedule(coach, ALEX)).summary_due_at is None


async def test_changing_timezone_between_check_ins_never_doubles_a_day(coach, clock) -> None:
    await meet(coach, ALEX)
    [_tuesday] = await run_until(coach, clock, TUESDAY_DUE + timedelta(minutes=10))
    await coach.press(ALEX, "ns|z")
    await coach.text(ALEX, "America/Los_Angeles")  # Tuesday 19:30 there is still to come
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=1), minutes=30)
    assert sent == [], "no second check-in on the same local day"
    [friday] = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=4), minutes=30)
    assert friday.chat_id == ALEX.chat_id
    last = (await deliveries(coach, ALEX))[-1]
    assert last.due_at == datetime(2026, 3, 7, 3, 30, tzinfo=UTC), "Friday 19:30 in Los Angeles"


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Istanbul", "Europe/Istanbul"),
        ("europe/berlin", "Europe/Berlin"),
        ("İstanbul", "Europe/Istanbul"),
        ("Londra", "Europe/London"),
        ("new york", "America/New_York"),
        ("UTC", None),
        ("../../etc/passwd", None),
        ("x" * 500, None),
    ],
)
def test_resolving_a_typed_timezone(coach, text, zone) -> None:
    assert resolve_timezone(text, sweep_of(coach).nudging.cities) == zone


WEDNESDAY_EVENING = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # 20:00 in Istanbul


@pytest.mark.parametrize(
    ("lang", "next_line", "why"),
    [
        ("en", "Next check-in: Fri, Mar 6, 19:30", "today's 19:30 has already passed"),
        ("tr", "Bir sonraki hatırlatma: 6 Mar Cum, 19:30", "bugünkü 19:30 çoktan geçti"),
    ],
)
async def test_choosing_today_after_its_time_says_why_the_next_is_later(
    coach, clock, lang, next_line, why
) -> None:
    """Issue 15, item 11: Wednesday chosen on a Wednesday evening answered "Next
    check-in: Fri" and nothing else; now the day's menu and the overview say why."""
    person = speaking(ALEX, lang)
    await meet(coach, person)
    clock.set(WEDNESDAY_EVENING)
    days = await coach.press(person, "ns|d")
    toggled = await coach.press(person, "ns|dt|2")  # Wednesday on
    assert (await schedule(coach, person)).days == "1,2,4"
    assert next_line in toggled[0].text and why in toggled[0].text, toggled[0].text
    assert why not in days[0].text, "before Wednesday was chosen there was nothing to explain"
    overview = await coach.press(person, "ns|o")
    assert next_line in overview[0].text and why in overview[0].text, overview[0].text


async def test_a_newcomers_first_wait_is_the_reason_given(coach, clock) -> None:
    await meet(coach, ALEX)  # Monday 12:00 in Istanbul, just arrived
    outs = await coach.press(ALEX, "ns|dt|0")  # Monday on: 19:30 today is too soon
    assert "Next check-in: Tue, Mar 3, 19:30" in outs[0].text
    assert "the first one waits about a day" in outs[0].text


async def test_fewer_check_ins_is_the_reason_when_a_chosen_day_is_skipped(coach, clock) -> None:
    await meet(coach, ALEX)
    clock.advance(days=1)  # past a newcomer's first wait
    await update_schedule(coach, ALEX, stride=2)
    outs = await coach.press(ALEX, f"ns|ts|{20 * 60}")  # 20:00: Tuesday is skipped, Friday next
    assert "you asked for fewer, so some days are skipped" in outs[0].text, outs[0].text
