"""Quiet mode: nothing of a quiet person's reaches their partner, and the partner is not told."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.coach import Coach
from bot.engine.content import Content
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.nudges.context import reachable
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.models import User
from bot.turn import Outbound
from tests.couples.conftest import ALEX, SAM, answer, link
from tests.engine.dialog_files import write_dialogs
from tests.nudges.support import TUESDAY_DUE, meet, run_until
from tests.support.people import texts, update_user, user


async def go_quiet(coach: Coach, person) -> None:
    outs = await coach.run_command(person, "settings")
    assert outs
    await coach.press(person, "set|safety")
    outs = await coach.press(person, "sfq|on")
    assert texts(outs, person) == [coach.content.t("quiet_now_on", "en")]


async def test_a_quiet_person_shares_nothing_and_is_told_so(coach):
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    outs = await answer(coach, ALEX, "We used to cook together", "redefining", share=True)
    assert texts(outs, SAM) == []
    [held] = [o for o in outs if o.text == coach.content.t("quiet_mode_held", "en")]
    assert held.chat_id == ALEX.chat_id and held.replace, "in place of the share question"


async def test_every_partner_message_is_held_for_a_quiet_sender(coach):
    """The one door all partner messages go through (notices, gentle starts, reveals)."""
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    alex = await user(coach, ALEX)

    async def send(turn):
        assert turn.to_partner("cooldown_notice", name="Alex", when="") is False

    outs = await coach.for_user(alex.id, send)
    assert texts(outs, SAM) == []
    assert texts(outs, ALEX) == [coach.content.t("quiet_mode_held", "en")]


async def test_the_partner_is_not_told_and_their_own_messages_still_arrive(coach):
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    outs = await answer(coach, SAM, "Sam's own words", "redefining", share=True)
    assert any("Sam's own words" in t for t in texts(outs, ALEX)), "Sam's sharing reaches Alex"
    assert not any("quiet" in t.lower() for t in texts(outs, SAM))


async def test_the_link_ending_is_still_told(coach):
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    outs = await coach.run_command(ALEX, "unlink")
    couple = (await user(coach, ALEX)).couple_id
    outs = await coach.press(ALEX, f"unl|{couple}")
    assert len(texts(outs, SAM)) == 1, "a fact both share, not the quiet person's words"


async def test_turning_it_off_lets_sharing_through_again(coach):
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    outs = await coach.press(ALEX, "sfq|off")
    assert texts(outs, ALEX) == [coach.content.t("quiet_now_off", "en")]
    outs = await answer(coach, ALEX, "We used to cook together", "redefining", share=True)
    assert any("We used to cook together" in t for t in texts(outs, SAM))


async def test_a_quiet_partner_is_not_reachable_for_shared_things(coach, clock):
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    assert not reachable(await user(coach, ALEX), clock())
    assert reachable(await user(coach, SAM), clock())


async def test_a_quiet_person_gets_no_check_in_about_the_couple(coach, clock):
    await meet(coach, ALEX, SAM)  # both due on Tuesday at 19:30 (UTC here)
    await link(coach, ALEX, SAM)
    await update_user(coach, ALEX, quiet=True)
    clock.now = TUESDAY_DUE.replace(hour=19)
    sent = await run_until(coach, clock, TUESDAY_DUE.replace(hour=20), minutes=15)
    assert texts(sent, ALEX) == [], "nothing worded about the couple"
    assert len(texts(sent, SAM)) == 1, "the partner's own check-in goes on"


PAIR = """
id: pair
title: {en: Pair, tr: Çift}
start: q
nodes:
  q:
    text: {en: "One thing you love about us?", tr: "Bizde sevdiğin bir şey?"}
    ask: {key: love, together: true, shareable: false}
    next: bye
  bye:
    text: {en: Bye, tr: Hoşça kal}
    end: true
"""


@pytest.fixture
async def pair_coach(sqlite_url: str, tmp_path: Path, clock) -> Coach:
    content: Content = load_content(
        write_dialogs(tmp_path / "d", {"pair.yaml": PAIR}, topics=["pair"])
    )
    engine = create_engine(sqlite_url)
    await migrate(engine)
    return Coach(content, session_factory(engine), clock, features=FEATURES)


async def test_answers_together_are_not_revealed_while_either_is_quiet(pair_coach):
    await link(pair_coach, ALEX, SAM)
    await go_quiet(pair_coach, ALEX)
    await pair_coach.press(ALEX, "t|pair")
    await pair_coach.text(ALEX, "your laugh")
    await pair_coach.press(SAM, "t|pair")
    outs = await pair_coach.text(SAM, "your patience")
    assert not any("your laugh" in t for t in texts(outs, SAM)), "Alex's answer stays Alex's"
    assert texts(outs, ALEX) == []


async def test_quiet_mode_lives_on_the_person(coach):
    await coach.run_command(ALEX, "start")
    async with coach.sessions() as session:
        alex = await session.get(User, ALEX.user_id)
        assert alex is not None and alex.quiet is False


async def test_the_coach_drops_anything_for_the_partner_of_a_quiet_person(coach):
    """The last guard: even a feature that writes to the partner's chat directly is held."""
    await link(coach, ALEX, SAM)
    await go_quiet(coach, ALEX)
    alex, sam = await user(coach, ALEX), await user(coach, SAM)

    async def bypass(turn):
        turn.out.append(Outbound(sam.chat_id, sam.id, "Alex's private words"))
        turn.say("kept")

    outs = await coach.for_user(alex.id, bypass)
    assert texts(outs, SAM) == []
    assert texts(outs, ALEX) == ["kept"]
