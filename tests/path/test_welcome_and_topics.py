"""What the welcome asks shapes /topics: suggestions first, each with a one-line why."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.delivery.record import SENT
from bot.nudges.models import NudgeDelivery
from bot.path.models import PathProfile
from tests.support.people import ALEX, buttons, texts


async def walk_welcome(coach, person, mood: str, focus: str, last: str) -> list:
    """Through the welcome by its button labels; returns what the last press said."""
    await coach.run_command(person, "start")
    outs = await coach.press(person, "n|welcome|hello|0")
    outs = await coach.text(person, "We want to feel close again.")
    for label in (mood, focus, last):
        outs = await coach.press(person, buttons(outs, person)[label])
    return outs


async def profile(coach) -> PathProfile | None:
    async with coach.sessions() as session:
        return (await session.exec(select(PathProfile))).first()


async def test_the_welcome_remembers_mood_and_focus_and_suggests_from_them(coach) -> None:
    outs = await walk_welcome(
        coach, ALEX, "A bit distant lately", "Gentler disagreements", "Maybe later"
    )
    stored = await profile(coach)
    assert stored is not None and (stored.mood, stored.focus) == ("distant", "conflict")
    said = texts(outs, ALEX)
    later, suggested = said[-1].split("\n\n", 1)
    assert later.startswith("Of course — /check"), "one message: the welcome's last words, then"
    assert suggested.startswith("✨ Suggested for you")
    assert "— you'd like disagreements to go more gently." in suggested
    assert list(buttons(outs, ALEX))[-4:] == [
        *("✨ " + coach.content.title(t, "en") for t in ("safety", "calming", "communication")),
        "All conversations",
    ]


async def test_the_welcome_can_go_straight_into_the_check(coach) -> None:
    outs = await walk_welcome(
        coach, ALEX, "Hard to say", "Time for each other", "Let's do the check"
    )
    [check] = [o for o in outs if o.chat_id == ALEX.chat_id and "1/12" in o.text]
    assert check.text.startswith("Here it comes"), "the welcome leads straight into the check"
    assert next(b.label for row in check.keyboard for b in row) == "Rarely"


async def test_topics_shows_suggestions_first_then_everything_and_the_check(coach) -> None:
    await walk_welcome(coach, ALEX, "A bit distant lately", "Time for each other", "Maybe later")
    [menu] = await coach.run_command(ALEX, "topics")
    assert menu.text.startswith("✨ Suggested for you\n• ")
    labels = [b.label for row in menu.keyboard for b in row]
    assert labels[0] == "✨ " + coach.content.title("pressure", "en")
    topics = [b.data for row in menu.keyboard for b in row if b.data.startswith("t|")]
    assert len(topics) == 3 + len(coach.content.topics)
    assert "🧭 Take the 2-minute check" in labels


async def test_topics_for_someone_who_told_us_nothing_still_reads_kindly(coach) -> None:
    [menu] = await coach.run_command(ALEX, "topics")
    assert menu.text.count("— a good next step.") == 3


async def test_after_weeks_away_a_warm_welcome_back_and_nothing_to_catch_up(coach, clock) -> None:
    await coach.run_command(ALEX, "topics")
    clock.advance(days=4)
    assert not any(
        "Welcome back" in t for t in texts(await coach.run_command(ALEX, "topics"), ALEX)
    )
    clock.advance(days=25)
    hello, _ = texts(await coach.run_command(ALEX, "topics"), ALEX)
    assert hello.startswith("Welcome back, Alex") and "Nothing to catch up on" in hello
    for word in ("streak", "missed", "behind"):
        assert word not in hello.lower()
    again = texts(await coach.run_command(ALEX, "topics"), ALEX)
    assert len(again) == 1, "said once, not every time"


async def test_two_weeks_away_is_enough_for_a_welcome_back(coach, clock) -> None:
    await coach.run_command(ALEX, "topics")
    clock.advance(days=13)
    assert len(texts(await coach.run_command(ALEX, "topics"), ALEX)) == 1
    clock.advance(days=14)
    hello = texts(await coach.run_command(ALEX, "topics"), ALEX)[0]
    assert hello.startswith("Welcome back, Alex")


@pytest.mark.parametrize("command", ["topics", "start"])
async def test_answering_check_ins_is_being_here_no_welcome_back(coach, clock, command) -> None:
    """Someone who answered a check-in last week has not been away, whatever they do next."""
    await coach.run_command(ALEX, "help")
    clock.advance(days=20)
    async with coach.sessions() as session, session.begin():
        session.add(
            NudgeDelivery(
                user_id=ALEX.user_id,
                due_at=clock.now,
                status=SENT,
                engaged_at=clock.now,
                kind="checkin",
            )
        )
    clock.advance(days=7)
    said = texts(await coach.run_command(ALEX, command), ALEX)
    assert not any("Welcome back" in t for t in said), said


async def test_a_statement_that_opens_with_the_partner_starts_with_a_capital(coach) -> None:
    outs = await walk_welcome(
        coach, ALEX, "Hard to say", "Time for each other", "Let's do the check"
    )
    [check] = [o for o in outs if o.chat_id == ALEX.chat_id and "1/12" in o.text]
    assert "1/12\n\nMy partner sees" in check.text, check.text


# -- welcome back on whatever the person does first ----------------------------------


async def test_after_weeks_away_the_welcome_back_comes_with_whatever_they_do_first(
    coach, clock
) -> None:
    """Not only /topics and /progress: /start, a typed message, any command — once."""
    for first in ("start", "text", "settings"):
        await coach.run_command(ALEX, "help")
        clock.advance(days=15)
        if first == "text":
            said = texts(await coach.text(ALEX, "hi, it's me again"), ALEX)
        else:
            said = texts(await coach.run_command(ALEX, first), ALEX)
        assert said[0].startswith("Welcome back, Alex"), (first, said)
        assert len(said) > 1, "and then what they asked for"
        again = texts(await coach.run_command(ALEX, "progress"), ALEX)
        assert not any("Welcome back" in t for t in again), "once"


async def test_a_check_in_answered_after_weeks_away_is_welcomed_back(coach, clock) -> None:
    from tests.nudges.support import button, sweep_of, tick, update_schedule

    await coach.run_command(ALEX, "help")
    async with coach.sessions() as session, session.begin():
        from bot.nudges.store import ensure_schedules

        await ensure_schedules(session, clock.now, sweep_of(coach).nudging.default_tz)
    clock.advance(days=20)
    await update_schedule(coach, ALEX, next_due_at=clock.now, regular_due_at=clock.now)
    [check_in] = await tick(coach)
    said = texts(await coach.press(ALEX, button(check_in, "4")), ALEX)
    assert said[0].startswith("Welcome back, Alex"), said
    assert not any(
        "Welcome back" in t for t in texts(await coach.run_command(ALEX, "topics"), ALEX)
    )


async def test_no_welcome_back_after_a_short_absence_or_for_a_newcomer(coach, clock) -> None:
    first = texts(await coach.run_command(ALEX, "start"), ALEX)
    assert not any("Welcome back" in t for t in first)
    clock.advance(days=13)
    said = texts(await coach.text(ALEX, "hello"), ALEX)
    assert not any("Welcome back" in t for t in said)
