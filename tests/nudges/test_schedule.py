"""Due times: local wall-clock rhythms, stored in UTC, right across DST and zone changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.nudges.schedule import (
    MAX_STRIDE,
    Quiet,
    Rhythm,
    format_days,
    next_due,
    next_fire,
    next_summary,
    parse_clock,
    parse_day,
    parse_days,
    snooze_hour,
    snooze_tomorrow,
)
from bot.nudges.store import rhythm_days

EVERY_DAY = tuple(range(7))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(rhythm: Rhythm, start: datetime, count: int) -> list[datetime]:
    found, at = [], start
    for _ in range(count):
        at = next_due(rhythm, at)
        found.append(at)
    return found


def local(at: datetime, tz: str) -> datetime:
    return at.astimezone(ZoneInfo(tz))


def test_the_default_rhythm_is_tuesday_and_friday_evening_local_time() -> None:
    rhythm = Rhythm((1, 4), 19 * 60 + 30, "Europe/Istanbul")
    found = fires(rhythm, utc(2026, 3, 2, 9), 4)  # Monday morning
    assert [local(f, "Europe/Istanbul").strftime("%a %H:%M") for f in found] == [
        "Tue 19:30",
        "Fri 19:30",
        "Tue 19:30",
        "Fri 19:30",
    ]
    assert all(f.tzinfo == UTC for f in found)


@pytest.mark.parametrize(
    ("tz", "before_utc", "after_utc", "start"),
    [
        # Europe/Berlin springs forward on 29 March 2026: CET (+1) -> CEST (+2).
        ("Europe/Berlin", utc(2026, 3, 28, 18, 30), utc(2026, 3, 29, 17, 30), utc(2026, 3, 28, 12)),
        # America/New_York springs forward on 8 March 2026: EST (-5) -> EDT (-4).
        ("America/New_York", utc(2026, 3, 8, 0, 30), utc(2026, 3, 8, 23, 30), utc(2026, 3, 7, 12)),
    ],
)
def test_spring_forward_keeps_the_local_time(tz, before_utc, after_utc, start) -> None:
    rhythm = Rhythm(EVERY_DAY, 19 * 60 + 30, tz)
    first, second = fires(rhythm, start, 2)
    assert (first, second) == (before_utc, after_utc)
    assert second - first == timedelta(hours=23)  # the night was an hour shorter
    assert local(first, tz).hour == local(second, tz).hour == 19


@pytest.mark.parametrize(
    ("tz", "before_utc", "after_utc", "start"),
    [
        # Berlin falls back on 25 October 2026: CEST (+2) -> CET (+1).
        (
            "Europe/Berlin",
            utc(2026, 10, 24, 17, 30),
            utc(2026, 10, 25, 18, 30),
            utc(2026, 10, 24, 12),
        ),
        # New York falls back on 1 November 2026: EDT (-4) -> EST (-5).
        (
            "America/New_York",
            utc(2026, 10, 31, 23, 30),
            utc(2026, 11, 2, 0, 30),
            utc(2026, 10, 31, 12),
        ),
    ],
)
def test_fall_back_keeps_the_local_time(tz, before_utc, after_utc, start) -> None:
    rhythm = Rhythm(EVERY_DAY, 19 * 60 + 30, tz)
    first, second = fires(rhythm, start, 2)
    assert (first, second) == (before_utc, after_utc)
    assert second - first == timedelta(hours=25)


@pytest.mark.parametrize(
    ("tz", "day", "expected_utc"),
    [
        ("Europe/Berlin", 29, utc(2026, 3, 29, 1, 30)),
        ("America/New_York", 8, utc(2026, 3, 8, 7, 30)),
    ],
)
def test_a_time_that_does_not_exist_on_spring_night_fires_once_just_after_the_gap(
    tz, day, expected_utc
) -> None:
    rhythm = Rhythm(EVERY_DAY, 2 * 60 + 30, tz)  # 02:30 does not exist that night
    found = fires(rhythm, utc(2026, 3, day - 1, 12), 3)
    on_the_day = [f for f in found if local(f, tz).day == day]
    assert on_the_day == [expected_utc]
    assert local(expected_utc, tz).strftime("%H:%M") == "03:30"


@pytest.mark.parametrize(
    ("tz", "day", "minute", "expected_utc"),
    [
        ("Europe/Berlin", utc(2026, 10, 25), 2 * 60 + 30, utc(2026, 10, 25, 0, 30)),
        ("America/New_York", utc(2026, 11, 1), 60 + 30, utc(2026, 11, 1, 5, 30)),
    ],
)
def test_a_time_that_happens_twice_on_autumn_night_fires_once(
    tz, day, minute, expected_utc
) -> None:
    rhythm = Rhythm(EVERY_DAY, minute, tz)
    found = fires(rhythm, day - timedelta(days=1), 4)
    on_the_day = [f for f in found if local(f, tz).date() == local(expected_utc, tz).date()]
    assert on_the_day == [expected_utc]
    assert found == sorted(set(found)), "strictly increasing, never stuck"


def test_istanbul_has_no_dst_so_the_utc_time_never_moves() -> None:
    rhythm = Rhythm(EVERY_DAY, 19 * 60 + 30, "Europe/Istanbul")
    found = fires(rhythm, utc(2026, 1, 1), 366)
    assert {(f.hour, f.minute) for f in found} == {(16, 30)}
    assert len({f.date() for f in found}) == 366


def test_changing_timezone_moves_the_next_check_in_to_the_new_local_time() -> None:
    now = utc(2026, 3, 2, 9)
    berlin = next_due(Rhythm((1,), 19 * 60 + 30, "Europe/Berlin"), now)
    new_york = next_due(Rhythm((1,), 19 * 60 + 30, "America/New_York"), now)
    assert berlin == utc(2026, 3, 3, 18, 30)
    assert new_york == utc(2026, 3, 4, 0, 30)
    assert local(new_york, "America/New_York").strftime("%a %H:%M") == "Tue 19:30"


def test_a_time_inside_quiet_hours_waits_for_them_to_end() -> None:
    quiet = Quiet(22 * 60, 8 * 60)
    rhythm = Rhythm((1,), 23 * 60, "Europe/Istanbul", quiet)
    due = next_due(rhythm, utc(2026, 3, 2, 9))
    assert local(due, "Europe/Istanbul").strftime("%a %H:%M") == "Wed 08:00"


def test_quiet_hours_that_do_not_wrap_midnight() -> None:
    quiet = Quiet(12 * 60, 14 * 60)
    assert quiet.contains(13 * 60) and not quiet.contains(14 * 60) and not quiet.contains(11 * 60)
    wrapping = Quiet(22 * 60, 8 * 60)
    assert (
        wrapping.contains(23 * 60) and wrapping.contains(7 * 60) and not wrapping.contains(8 * 60)
    )


def test_a_stride_of_two_halves_the_frequency() -> None:
    every = fires(Rhythm((1, 4), 19 * 60 + 30, "UTC"), utc(2026, 3, 2), 8)
    halved = fires(Rhythm((1, 4), 19 * 60 + 30, "UTC", stride=2), utc(2026, 3, 2), 4)
    assert halved == every[1::2]
    assert MAX_STRIDE >= 2


def test_snooze_an_hour_respects_quiet_hours() -> None:
    rhythm = Rhythm((1, 4), 19 * 60 + 30, "Europe/Istanbul", Quiet(22 * 60, 8 * 60))
    evening = datetime(2026, 3, 3, 19, 35, tzinfo=ZoneInfo("Europe/Istanbul"))
    assert snooze_hour(rhythm, evening) == evening + timedelta(hours=1)
    late = datetime(2026, 3, 3, 21, 30, tzinfo=ZoneInfo("Europe/Istanbul"))
    assert local(snooze_hour(rhythm, late), "Europe/Istanbul").strftime("%d %H:%M") == "04 08:00"


def test_snooze_until_tomorrow_comes_back_at_the_usual_time() -> None:
    rhythm = Rhythm((1, 4), 19 * 60 + 30, "America/New_York")
    now = datetime(2026, 3, 7, 19, 31, tzinfo=ZoneInfo("America/New_York"))  # DST starts overnight
    back = snooze_tomorrow(rhythm, now)
    assert local(back, "America/New_York").strftime("%d %H:%M") == "08 19:30"
    assert back - now == timedelta(hours=22, minutes=59)  # the night is an hour shorter


def test_the_weekly_picture_is_on_sunday_evening() -> None:
    due = next_summary("Europe/Berlin", None, utc(2026, 3, 2))
    assert local(due, "Europe/Berlin").strftime("%a %H:%M") == "Sun 18:00"


def test_next_fire_is_strictly_after_the_given_moment() -> None:
    at = utc(2026, 3, 3, 19, 30)
    assert next_fire((1,), 19 * 60 + 30, "UTC", at) == utc(2026, 3, 10, 19, 30)
    assert next_fire((1,), 19 * 60 + 30, "UTC", at - timedelta(microseconds=1)) == at


@pytest.mark.parametrize(
    ("text", "minute"),
    [("19:30", 1170), ("7:05", 425), ("1930", 1170), ("19.30", 1170), (" 08:00 ", 480)],
)
def test_typed_times_are_understood(text: str, minute: int) -> None:
    assert parse_clock(text) == minute


@pytest.mark.parametrize("text", ["25:00", "19:60", "soon", "", "7", "19:3", "-1:00"])
def test_nonsense_times_are_refused(text: str) -> None:
    assert parse_clock(text) is None


def test_stored_days_are_read_sorted_once_each_and_written_back_alike() -> None:
    assert parse_days("1,4") == (1, 4)
    assert parse_days("4, 1,4") == (1, 4)
    assert parse_days("") == ()
    assert parse_days("x,,3") == (3,)
    assert format_days({4, 1}) == "1,4"
    assert parse_days(format_days((6, 0, 3))) == (0, 3, 6)


def test_a_day_button_names_monday_to_sunday_and_nothing_else() -> None:
    assert [parse_day(str(d)) for d in range(7)] == list(range(7))
    assert parse_day("7") is None
    assert parse_day("-1") is None
    assert parse_day("mon") is None
    assert parse_day("") is None


def test_a_rhythm_left_without_days_falls_back_to_the_default_ones() -> None:
    assert rhythm_days("0,6") == (0, 6)
    assert rhythm_days("") == (1, 4)
