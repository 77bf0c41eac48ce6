"""The weekly picture for a fixture couple: the data behind it, the PNG, and what only one sees."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.nudges.chart import (
    HEIGHT_PX,
    MINE_COLOR,
    THEIRS_COLOR,
    WIDTH_PX,
    ChartData,
    Series,
    render,
)
from bot.nudges.models import NudgeCheckin
from bot.nudges.summary import WeeklyScores, encouragement, weekly_scores
from bot.turn import Outbound, Photo
from tests.nudges.support import make_coach, meet, run_until, update_schedule
from tests.support.people import ALEX, SAM, link, update_user, user

SUNDAY_PICTURE = datetime(2026, 3, 8, 15, tzinfo=UTC)  # Sunday 18:00 in Istanbul
# (days before the picture, score, shared) per partner: six weeks of check-ins.
ALEX_CHECKINS = [
    (38, 2, True),
    (31, 3, False),
    (24, 3, True),
    (17, 4, True),
    (10, 4, True),
    (3, 5, True),
]
SAM_CHECKINS = [(37, 3, True), (30, 1, False), (23, 4, True), (16, 2, False), (2, 5, True)]


WANTS_PICTURE = "ns|s|1"
"""The settings button asking for the weekly picture."""


@pytest.fixture
def coach(engine, content, clock):
    return make_coach(engine, content, clock)


async def fixture_couple(coach) -> None:
    couple_id = await link(coach, ALEX, SAM)
    await meet(coach, ALEX, SAM)
    async with coach.sessions() as session, session.begin():
        for person, rows in ((ALEX, ALEX_CHECKINS), (SAM, SAM_CHECKINS)):
            for days, score, shared in rows:
                session.add(
                    NudgeCheckin(
                        user_id=person.user_id,
                        score=score,
                        shared=shared,
                        couple_id=couple_id,
                        created_at=SUNDAY_PICTURE - timedelta(days=days),
                    )
                )


async def test_the_data_shows_my_scores_and_only_the_partner_s_shared_ones(coach) -> None:
    await fixture_couple(coach)
    async with coach.sessions() as session:
        alex, sam = await user(coach, ALEX), await user(coach, SAM)
        scores = await weekly_scores(session, alex, sam, SUNDAY_PICTURE, "Europe/Istanbul")
    assert scores.weeks == tuple(date(2026, 1, 26) + timedelta(weeks=i) for i in range(6))
    assert scores.mine == (2.0, 3.0, 3.0, 4.0, 4.0, 5.0), "all of my own, private ones too"
    assert scores.theirs == (3.0, None, 4.0, None, None, 5.0), "Sam's private 1 and 2 never appear"


async def sunday_evening(coach, clock) -> list[Outbound]:
    """Everything sent from a few minutes before the picture's hour to an hour after it."""
    clock.set(SUNDAY_PICTURE - timedelta(minutes=5))
    return await run_until(coach, clock, SUNDAY_PICTURE + timedelta(hours=1), minutes=5)


def pictures(sent: list[Outbound]) -> list[Outbound]:
    return [out for out in sent if isinstance(out.attachment, Photo)]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def colour_pixels(data: bytes, hex_colour: str) -> int:
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    target = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    rgb = pixels[:, :, :3]
    close = (abs(rgb - target) < 0.02).all(axis=2)
    return int(close.sum())


def test_the_chart_is_a_png_of_the_expected_size_with_both_lines() -> None:
    weeks = tuple(date(2026, 2, 2) + timedelta(weeks=i) for i in range(6))
    data = ChartData(
        "Feeling close, week by week",
        weeks,
        (Series("You", (2, 3, 3, 4, 4, 5)), Series("Sam", (3, None, 4, None, None, 5))),
        "closeness (1–5)",
    )
    png = render(data)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX) == (800, 450)
    assert colour_pixels(png, MINE_COLOR) > 200
    assert colour_pixels(png, THEIRS_COLOR) > 100


def test_a_chart_for_one_has_only_one_line() -> None:
    weeks = tuple(date(2026, 2, 2) + timedelta(weeks=i) for i in range(6))
    png = render(ChartData("t", weeks, (Series("You", (None, 3, 3, None, 4, 4)),), "y"))
    assert png_size(png) == (800, 450)
    assert colour_pixels(png, MINE_COLOR) > 100
    assert colour_pixels(png, THEIRS_COLOR) == 0


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ((3, 4), (2, 3), "rising"),
        ((None, 4, 4, 4), None, "steady"),
        ((4, 2), (4, 4), "gentle"),
        ((None, None, 4), None, "thanks"),
    ],
)
def test_one_encouraging_sentence_that_fits(mine, theirs, expected) -> None:
    weeks = tuple(date(2026, 1, 5) + timedelta(weeks=i) for i in range(len(mine)))
    assert encouragement(WeeklyScores(weeks, mine, theirs)) == expected


async def test_the_weekly_picture_arrives_on_sunday_for_those_who_opted_in(coach, clock) -> None:
    await fixture_couple(coach)
    await coach.press(ALEX, WANTS_PICTURE)
    [picture] = pictures(await sunday_evening(coach, clock))
    assert picture.chat_id == ALEX.chat_id, "Sam did not opt in"
    assert png_size(picture.attachment.content) == (800, 450)
    caption = picture.attachment.caption
    assert "Sam's line only shows the check-ins they chose to share" in caption
    assert "both" in caption.lower() or "you're doing" in caption


async def test_with_the_partner_paused_the_picture_is_for_one(coach, clock) -> None:
    await fixture_couple(coach)
    await coach.press(ALEX, WANTS_PICTURE)
    await update_user(coach, SAM, nudges_paused_until=SUNDAY_PICTURE + timedelta(days=3))
    [picture] = pictures(await sunday_evening(coach, clock))
    assert "Sam" not in picture.attachment.caption
    assert colour_pixels(picture.attachment.content, THEIRS_COLOR) == 0


async def test_no_picture_without_any_check_ins(coach, clock) -> None:
    await meet(coach, ALEX)
    await coach.press(ALEX, WANTS_PICTURE)
    assert pictures(await sunday_evening(coach, clock)) == []


async def test_no_picture_while_the_person_has_paused_check_ins(coach, clock) -> None:
    await fixture_couple(coach)
    await coach.press(ALEX, WANTS_PICTURE)
    await update_user(coach, ALEX, nudges_paused_until=SUNDAY_PICTURE + timedelta(days=3))
    assert pictures(await sunday_evening(coach, clock)) == []


async def test_no_picture_in_quiet_hours(coach, clock) -> None:
    """Quiet hours apply to the weekly picture as to check-ins (the arrival above, at
    18:00 Istanbul time, without them)."""
    await fixture_couple(coach)
    await coach.press(ALEX, WANTS_PICTURE)
    await update_schedule(coach, ALEX, quiet_start=17 * 60, quiet_end=20 * 60)  # Istanbul time
    assert pictures(await sunday_evening(coach, clock)) == []
