"""Answer together: private until both answered, then side by side for both."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.coach import Coach
from bot.engine.content import Content
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from tests.engine.dialog_files import write_dialogs
from tests.support.people import ALEX, KIM, SAM, buttons, link, texts, unlink

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
def pair_content(tmp_path: Path) -> Content:
    return load_content(write_dialogs(tmp_path / "d", {"pair.yaml": PAIR}, topics=["pair"]))


async def make_coach(url: str, content: Content, clock) -> Coach:
    engine = create_engine(url)
    await migrate(engine)
    return Coach(content, session_factory(engine), clock, features=FEATURES)


@pytest.fixture
async def pair_coach(sqlite_url: str, pair_content: Content, clock) -> Coach:
    return await make_coach(sqlite_url, pair_content, clock)


async def answer(coach: Coach, person, text: str):
    await coach.press(person, "t|pair")
    return await coach.text(person, text)


async def test_first_answer_waits_and_the_partner_gets_one_reminder(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    assert any("Sam hasn't answered" in t for t in texts(outs, ALEX))
    reminder = texts(outs, SAM)
    assert len(reminder) == 1 and "your laugh" not in reminder[0] and "Alex" in reminder[0]
    # Answering again later sends no second reminder.
    again = await answer(pair_coach, ALEX, "your kindness")
    assert texts(again, SAM) == []


async def test_when_both_answered_both_see_both_answers(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "your laugh")
    outs = await answer(pair_coach, SAM, "senin sabrın")
    to_alex, to_sam = texts(outs, ALEX), texts(outs, SAM)
    assert len(to_alex) == 1 and "your laugh" in to_alex[0] and "senin sabrın" in to_alex[0]
    assert any("your laugh" in t and "senin sabrın" in t and "İkiniz" in t for t in to_sam)


async def test_the_reminder_button_opens_the_question(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    answer_now = buttons(outs, SAM)[pair_coach.content.t("together_answer_now", "tr")]
    opened = await pair_coach.press(SAM, answer_now)
    assert texts(opened, SAM) == ["Bizde sevdiğin bir şey?"]
    revealed = await pair_coach.text(SAM, "sabrın")
    assert any("your laugh" in t for t in texts(revealed, SAM))


async def test_a_partner_can_skip_and_nothing_is_revealed(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    skip = buttons(outs, SAM)[pair_coach.content.t("together_skip", "tr")]
    skipped = await pair_coach.press(SAM, skip)
    assert all("your laugh" not in o.text for o in skipped)
    assert [o.chat_id for o in skipped] == [SAM.chat_id]


async def test_alone_the_answer_is_kept_and_linking_is_suggested(pair_coach) -> None:
    outs = await answer(pair_coach, KIM, "hope")
    assert any("/invite" in t for t in texts(outs, KIM))


async def test_forged_reminder_buttons_are_refused(pair_coach) -> None:
    couple = await link(pair_coach, ALEX, SAM)
    unknown, stale = (pair_coach.content.t(k, "tr") for k in ("unknown_button", "stale_button"))
    forged = {
        f"q|{couple}|pair|bye": unknown,  # not a couple question
        "q|pair": unknown,
        f"k|{couple}|ghost|q": unknown,
        f"q|{couple}|pair|q|extra": unknown,
        f"q|{couple + 98}|pair|q": stale,  # another couple's reminder
    }
    for data, notice in forged.items():
        outs = await pair_coach.press(SAM, data)
        assert [(o.chat_id, o.notice, o.text) for o in outs] == [(SAM.chat_id, True, notice)], data


@pytest.mark.postgres
async def test_both_answering_at_once_reveals_exactly_once_on_postgres(
    postgres_url: str, pair_content: Content, clock
) -> None:
    coach = await make_coach(postgres_url, pair_content, clock)
    await link(coach, ALEX, SAM)
    await coach.press(ALEX, "t|pair")
    await coach.press(SAM, "t|pair")
    outs_a, outs_s = await asyncio.gather(
        coach.text(ALEX, "from alex"), coach.text(SAM, "from sam")
    )
    everything = outs_a + outs_s
    reveals = [o for o in everything if "from alex" in o.text and "from sam" in o.text]
    assert sorted(o.chat_id for o in reveals) == [ALEX.chat_id, SAM.chat_id]


async def test_a_reminder_from_an_earlier_link_does_nothing(pair_coach) -> None:

    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    skip = buttons(outs, SAM)[pair_coach.content.t("together_skip", "tr")]
    await unlink(pair_coach, ALEX, SAM)
    await link(pair_coach, SAM, KIM)
    outs = await pair_coach.press(SAM, skip)
    stale = pair_coach.content.t("stale_button", "tr")
    assert [(o.chat_id, o.notice, o.text) for o in outs] == [(SAM.chat_id, True, stale)]


async def test_the_note_about_linking_is_said_once_not_after_every_couple_question(coach):
    from bot.conversations import begin_at
    from tests.support.people import ALEX as LONER

    note = coach.content.t("together_no_partner", "en")
    said = []
    for topic in ("redefining", "safety"):
        await coach.run_command(LONER, "start")
        node = next(
            n.id for n in coach.content.dialogs[topic].nodes.values() if n.ask and n.ask.together
        )
        await coach.handle(LONER, lambda turn, t=topic, n=node: begin_at(turn, t, n))
        outs = await coach.text(LONER, "when we cook together")
        said.append(any(note in o.text for o in outs))
    assert said == [True, False]


async def test_after_a_relink_the_new_partner_never_sees_an_answer_written_for_the_last(
    pair_coach,
) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "what I love about us, Sam")
    await unlink(pair_coach, ALEX, SAM)
    await link(pair_coach, ALEX, KIM)
    outs = await answer(pair_coach, KIM, "your calm")
    assert all("what I love about us, Sam" not in o.text for o in outs)
    to_kim = texts(outs, KIM)
    assert any("Alex hasn't answered" in t for t in to_kim), to_kim
    assert len(texts(outs, ALEX)) == 1, "Alex is reminded to answer for Kim"
