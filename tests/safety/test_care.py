"""The safety screen in the coach, /help_now and /about."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from bot.safety.care import Care
from bot.storage import repo
from bot.storage.models import Reflection, User
from tests.couples.conftest import ALEX, KIM, SAM, link, texts, user, walk_to_question

WORRYING = "Honestly he hit me again and I want to die"


async def at_question(coach, person):
    await walk_to_question(coach, person, "redefining")


def test_the_screen_runs_before_every_other_text_handler(coach):
    (screen,) = coach.safety_screens  # read before any text screen, captions and edits too
    assert isinstance(screen.__self__, Care) and screen.__name__ == "screen"
    assert screen not in coach.text_screens


async def test_a_signal_stops_the_flow_answers_calmly_and_tells_the_partner_nothing(
    coach, clock, caplog
):
    await link(coach, ALEX, SAM)
    await at_question(coach, ALEX)
    with caplog.at_level(logging.INFO):
        outs = await coach.text(ALEX, WORRYING)

    assert texts(outs, SAM) == []
    [reply] = outs
    assert reply.text.startswith(coach.content.t("safety_reply", "en"))
    assert "https://findahelpline.com" in reply.text
    assert reply.text.endswith(coach.content.t("safety_ask_safe", "en"))
    assert [b.data for b in reply.keyboard[0]] == ["sfe|yes", "sfe|no"]

    async with coach.sessions() as session:
        assert (await session.exec(select(Reflection))).all() == [], "not stored as an answer"
        state, _ = await repo.load_state(session, ALEX.user_id)
        assert state.idle, "the scripted flow stopped"
        progress = await repo.progress(session, ALEX.user_id)
        assert progress["redefining"].node == "familiar", "/topics can resume it later"
    assert (await user(coach, ALEX)).nudges_paused_until == clock() + timedelta(days=1)
    assert (await user(coach, SAM)).nudges_paused_until is None

    assert caplog.text.count("safety signal") == 1 and "violence" in caplog.text
    assert "hit me" not in caplog.text and "want to die" not in caplog.text


async def test_the_safe_buttons_answer_only_the_person(coach):
    await link(coach, ALEX, SAM)
    await coach.text(ALEX, WORRYING)
    outs = await coach.press(ALEX, "sfe|yes")
    assert texts(outs, ALEX) == [coach.content.t("safety_safe_reply", "en")]
    outs = await coach.press(ALEX, "sfe|no")
    assert texts(outs, SAM) == []
    assert "112 / 911" in texts(outs, ALEX)[0]
    assert (await coach.press(ALEX, "sfe|maybe"))[0].notice


async def test_a_turkish_speaker_gets_turkish_lines_and_words(coach):
    outs = await coach.text(KIM, "kendimi öldürmek istiyorum")
    assert outs[0].text.startswith(coach.content.t("safety_reply", "tr"))
    assert "112" in outs[0].text and "183" in outs[0].text
    outs = await coach.press(KIM, "sfe|no")
    assert "112" in outs[0].text and "911" not in outs[0].text


async def test_the_country_from_the_time_zone_wins(coach):
    await coach.run_command(ALEX, "start")
    async with coach.sessions() as session, session.begin():
        alex = await session.get_one(User, ALEX.user_id)
        alex.timezone = "America/New_York"
        session.add(alex)
    outs = await coach.run_command(ALEX, "help_now")
    assert "988" in outs[0].text and "911" in outs[0].text


async def test_a_longer_pause_is_not_shortened(coach, clock):
    await coach.run_command(ALEX, "start")
    later = clock() + timedelta(days=7)
    async with coach.sessions() as session, session.begin():
        alex = await session.get_one(User, ALEX.user_id)
        alex.nudges_paused_until = later
        session.add(alex)
    await coach.text(ALEX, WORRYING)
    assert (await user(coach, ALEX)).nudges_paused_until == later


async def test_a_signal_while_naming_yourself_is_screened_too(coach):
    await coach.run_command(ALEX, "invite")
    outs = await coach.text(ALEX, "I want to kill myself")
    assert outs[0].text.startswith(coach.content.t("safety_reply", "en"))
    assert (await user(coach, ALEX)).display_name is None


async def test_ordinary_text_passes_through(coach):
    await at_question(coach, ALEX)
    outs = await coach.text(ALEX, "I would never hurt her, we just argue about chores")
    assert not any(o.text.startswith(coach.content.t("safety_reply", "en")) for o in outs)
    async with coach.sessions() as session:
        assert len((await session.exec(select(Reflection))).all()) == 1


async def test_help_now_gives_the_lines_any_time_without_pausing_anything(coach):
    outs = await coach.run_command(ALEX, "help_now")
    assert outs[0].text.startswith(coach.content.t("help_now_intro", "en"))
    assert "findahelpline.com" in outs[0].text
    assert (await user(coach, ALEX)).nudges_paused_until is None


async def test_about_and_the_welcome_say_attune_is_a_coach_not_therapy(coach):
    about = (await coach.run_command(ALEX, "about"))[0].text
    assert "not therapy" in about and "not emergency care" in about
    welcome = " ".join(o.text for o in await coach.run_command(SAM, "start"))
    assert "coach, not therapy or emergency care" in welcome
    kim = (await coach.run_command(KIM, "about"))[0].text
    assert "terapi değildir" in kim


async def test_help_now_names_each_emergency_number_once(coach):
    said = texts(await coach.run_command(ALEX, "help_now"), ALEX)[0]
    assert said.count("112") == 1 and said.count("911") == 1
