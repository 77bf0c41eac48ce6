""" "A recent check-in" as a Talk Table topic: the prompt in the group, answers never.

The couple question both were sent lately is offered beside a couple question and
"something on our mind" only when one of them answered it in the last two weeks.
Each partner is reminded of their own answer privately; the group and the other
partner never see it.
"""

from __future__ import annotations

from datetime import timedelta

from bot.engine.content import Content
from bot.nudges.models import NudgeAnswer, NudgeCoupleQuestion
from bot.storage.models import User
from bot.table import floor as f
from tests.support.clock import Clock
from tests.table.support import Seat
from tests.table.test_table import en, row

PROMPT = "free_saturday"
ALEX_SAYS = "A lazy breakfast, then the sea"
SAM_SAYS = "Bisikletle adaya gitmek"


async def asked(seat: Seat, clock: Clock, *, days_ago: float, answers: dict[int, str]) -> None:
    """The couple's check-in question `days_ago`, answered by whoever is in `answers`."""
    async with seat.coach.sessions() as session, session.begin():
        user = await session.get(User, seat.alex.user_id)
        assert user is not None and user.couple_id is not None
        when = clock.now - timedelta(days=days_ago)
        question = NudgeCoupleQuestion(
            couple_id=user.couple_id, seq=1, prompt=PROMPT, created_at=when
        )
        session.add(question)
        await session.flush()
        for user_id, text in answers.items():
            session.add(
                NudgeAnswer(
                    user_id=user_id,
                    kind="couple",
                    prompt=PROMPT,
                    text=text,
                    question_id=question.id,
                    couple_id=user.couple_id,
                    created_at=when,
                )
            )


def labels(seat: Seat) -> list[str]:
    return [b.label for line in seat.last_group().keyboard for b in line]


async def test_without_a_recent_check_in_it_is_not_offered(
    table: Seat, content: Content, clock: Clock
) -> None:
    t, seat = en(content), table
    await asked(seat, clock, days_ago=15, answers={seat.alex.user_id: ALEX_SAYS})
    await seat.open(seat.alex)
    await seat.press(seat.alex, t("table_start_button"))
    assert t("table_topic_question") in labels(seat)
    assert t("table_topic_recent") not in labels(seat)


async def test_a_recent_check_in_is_the_topic_and_each_sees_only_their_own_answer(
    table: Seat, content: Content, clock: Clock
) -> None:
    t, seat = en(content), table
    both = {seat.alex.user_id: ALEX_SAYS, seat.sam.user_id: SAM_SAYS}
    await asked(seat, clock, days_ago=3, answers=both)
    await seat.open(seat.alex)
    await seat.press(seat.alex, t("table_start_button"))
    assert labels(seat)[:3] == [
        t("table_topic_question"),
        t("table_topic_recent"),
        t("table_topic_ours"),
    ]
    await seat.press(seat.sam, t("table_topic_recent"))
    prompt = seat.table.pools.get("couple", PROMPT) if seat.table.pools else None
    assert prompt is not None
    floor = seat.last_group().text
    assert t("table_topic_line", topic=prompt.text["en"]) in floor  # the group's language
    assert "🎤 Alex has the floor" in floor
    assert (await row(seat)).phase == f.SPEAK

    group = " ".join(o.text for o in seat.in_group)
    assert ALEX_SAYS not in group and SAM_SAYS not in group
    to_alex = [o.text for o in seat.to(seat.alex.chat_id)]
    to_sam = [o.text for o in seat.to(seat.sam.chat_id)]
    assert content.t("table_recent_yours", "en", answer=ALEX_SAYS) in to_alex
    assert content.t("table_recent_yours", "tr", answer=SAM_SAYS) in to_sam
    assert not any(SAM_SAYS in text for text in to_alex)
    assert not any(ALEX_SAYS in text for text in to_sam)


async def test_a_partner_who_did_not_answer_gets_no_reminder(
    table: Seat, content: Content, clock: Clock
) -> None:
    t, seat = en(content), table
    await asked(seat, clock, days_ago=1, answers={seat.alex.user_id: ALEX_SAYS})
    await seat.open(seat.alex)
    await seat.press(seat.alex, t("table_start_button"))
    sam_before = len(seat.to(seat.sam.chat_id))
    await seat.press(seat.alex, t("table_topic_recent"))
    assert [o.text for o in seat.to(seat.sam.chat_id)[sam_before:]] == []
    assert seat.to(seat.alex.chat_id)[-1].text == content.t(
        "table_recent_yours", "en", answer=ALEX_SAYS
    )


async def test_offered_then_no_longer_recent_is_said_kindly(
    table: Seat, content: Content, clock: Clock
) -> None:
    t, seat = en(content), table
    await asked(seat, clock, days_ago=13.9, answers={seat.sam.user_id: SAM_SAYS})
    await seat.open(seat.alex)
    await seat.press(seat.alex, t("table_start_button"))
    before = await row(seat)
    clock.advance(hours=3)
    outs = await seat.press(seat.sam, t("table_topic_recent"))
    assert [o.text for o in outs if o.notice] == [content.t("table_no_recent", "tr")]
    after = await row(seat)
    assert after.phase == f.TOPIC and after.version == before.version
