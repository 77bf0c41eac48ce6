"""Partner news waits for the end of the recipient's quiet hours, in their own timezone,
and then arrives once — unless its sender no longer shares it by then.

Sam lives in Istanbul (UTC+3) with the default quiet hours, 22:00 to 08:00. At
04:00 Sam's time Alex answers a couple question, which tells Sam ("your partner
answered…"). That news is kept in the outbox and sent at 08:00, once. A break
notice is the exception: it is time-bound, so it goes at once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.coach import Coach
from bot.conversations import begin_at
from bot.features import FEATURES
from bot.outbox.models import HELD, SKIPPED
from bot.outbox.store import OUTBOX, Outbox
from bot.sending import Outcome
from bot.storage.db import session_factory
from bot.turn import Outbound
from tests.cooldown.support import take_break
from tests.support.clock import Clock
from tests.support.people import ALEX, KIM, SAM, link_rows, pair, update_user

QUESTION = ("communication", "together")
"""A real couple question: "I feel most listened to by you when…"."""
SAM_AT_4 = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
"""04:00 in Istanbul."""
SAM_AT_8 = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)
"""08:00 in Istanbul: Sam's quiet hours end."""


@pytest.fixture
def coach(db_engine, content, clock: Clock) -> Coach:
    """The wired coach with the outbox the Telegram transport gives it (SQLite and PostgreSQL)."""
    coach = Coach(content, session_factory(db_engine), clock, features=FEATURES)
    coach.outbox = Outbox(coach.sessions, coach.clock, owner="this-process")
    return coach


@pytest.fixture
async def couple(coach: Coach, clock: Clock):
    linked = await pair(coach)
    await update_user(coach, SAM, timezone="Europe/Istanbul")
    await update_user(coach, ALEX, timezone="America/New_York")  # 20:00 for Alex: awake
    clock.set(SAM_AT_4)
    await deliver(coach.outbox)  # the greetings of /start, sent (they were never marked)
    return linked


def to_sam(outs: list[Outbound]) -> list[Outbound]:
    return [o for o in outs if o.chat_id == SAM.chat_id]


async def alex_answers_a_couple_question(coach: Coach) -> list[Outbound]:
    await coach.handle(ALEX, lambda turn: begin_at(turn, *QUESTION))
    return await coach.text(ALEX, "when you put the phone away")


async def deliver(outbox: Outbox) -> list[Outbound]:
    """What the outbox job sends Sam now, sent (as the transport would). (Alex's own
    answers, never marked sent by this test, are taken over too once their lease ran out.)"""
    sent = []
    for out in await outbox.reclaim():
        if await outbox.admit(out):
            await outbox.done(out, Outcome.SENT)
            sent.append(out)
    return to_sam(sent)


async def held_rows(coach: Coach):
    """Sam's rows that were kept for later (news of Alex's)."""
    async with coach.sessions() as session:
        query = select(OUTBOX).where(OUTBOX.c.chat_id == SAM.chat_id, OUTBOX.c.owner == HELD)
        return (await session.exec(query)).all()


async def test_news_at_four_in_the_morning_arrives_when_quiet_hours_end_once(
    coach: Coach, clock: Clock, couple
) -> None:
    outs = await alex_answers_a_couple_question(coach)
    reminder = coach.content.t("together_answer_now", "tr")
    assert to_sam(outs) == [], "nothing to Sam at 04:00"
    assert any(o.chat_id == ALEX.chat_id for o in outs), "Alex is answered at once"
    assert await deliver(coach.outbox) == []

    await coach.outbox.renew()  # the process keeping its own claims does not hurry it
    await coach.outbox.take_over()  # nor does a restart
    clock.set(SAM_AT_8.replace(hour=4))  # 07:00 in Istanbul
    assert await deliver(coach.outbox) == [], "still quiet at 07:00"

    clock.set(SAM_AT_8)
    clock.advance(seconds=1)
    [news] = await deliver(coach.outbox)
    assert news.chat_id == SAM.chat_id
    assert any(b.label == reminder for row in news.keyboard for b in row), "buttons kept"
    clock.advance(minutes=30)
    assert await deliver(coach.outbox) == [], "once"


async def test_held_news_is_its_senders_even_when_the_message_names_no_one(
    coach: Coach, clock: Clock, couple
) -> None:
    """What a turn says to the partner is held as news of the person whose turn it was
    (`Outbox.stage`'s `sender`), whatever the message itself names: it goes in the morning
    while they still share, instead of being taken for nobody's news and dropped."""
    news = Outbound(SAM.user_id, SAM.chat_id, "Alex answered", not_before=SAM_AT_8)
    async with coach.sessions() as session, session.begin():
        await coach.outbox.stage(session, [news], clock.now, sender=ALEX.user_id)
    clock.set(SAM_AT_8)
    clock.advance(seconds=1)
    assert [o.text for o in await deliver(coach.outbox)] == ["Alex answered"]


async def test_news_outside_quiet_hours_goes_at_once(coach: Coach, clock: Clock, couple) -> None:
    clock.set(SAM_AT_8.replace(hour=9))  # 12:00 in Istanbul
    outs = await alex_answers_a_couple_question(coach)
    assert len(to_sam(outs)) == 1
    assert await deliver(coach.outbox) == []


@pytest.mark.parametrize("change", ["quiet", "unlink", "relink"])
async def test_held_news_is_dropped_if_its_sender_stops_sharing_before_morning(
    coach: Coach, clock: Clock, couple, change: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Quiet mode on (or the link ended, or Alex linked with Kim since) at 05:00: the
    04:00 news never reaches Sam."""
    await alex_answers_a_couple_question(coach)
    clock.advance(hours=1)
    if change == "quiet":
        await update_user(coach, ALEX, quiet=True)
    elif change == "unlink":
        await update_user(coach, ALEX, couple_id=None)
    else:
        await update_user(coach, ALEX, couple_id=None)
        await update_user(coach, SAM, couple_id=None)
        await coach.run_command(KIM, "help")
        await link_rows(coach.sessions, ALEX.user_id, KIM.user_id)
    clock.set(SAM_AT_8)
    clock.advance(minutes=1)

    caplog.set_level(logging.INFO, "bot.outbox")
    assert await deliver(coach.outbox) == []
    [row] = await held_rows(coach)
    assert (row.status, row.body) == (SKIPPED, None), "and its words are gone"
    dropped = "1 held partner message(s) dropped: the sender no longer shares"
    assert dropped in [r.getMessage() for r in caplog.records]
    caplog.clear()
    clock.advance(minutes=30)
    assert await deliver(coach.outbox) == []
    assert not any("dropped" in r.getMessage() for r in caplog.records), "dropped once"


async def test_held_news_goes_if_its_sender_shares_again_before_morning(
    coach: Coach, clock: Clock, couple
) -> None:
    """What counts is whether Alex shares when the news is due: quiet mode on at 05:00
    and off again at 06:00 (a sweep in between), and Sam still hears it at 08:00."""
    await alex_answers_a_couple_question(coach)
    clock.advance(hours=1)
    await update_user(coach, ALEX, quiet=True)
    assert await deliver(coach.outbox) == []
    clock.advance(hours=1)
    await update_user(coach, ALEX, quiet=False)
    clock.set(SAM_AT_8)
    clock.advance(minutes=1)
    assert len(await deliver(coach.outbox)) == 1


async def test_a_break_notice_goes_at_once_even_in_quiet_hours(
    coach: Coach, clock: Clock, couple, content
) -> None:
    from tests.support.people import Chat, Router

    def en(key: str, **values: object) -> str:
        return content.t(key, "en", **values)

    router = Router()
    alex, sam = Chat(coach, ALEX, router), Chat(coach, SAM, router)
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    assert sam.inbox, "Sam hears of the break now, not at 08:00"
    assert await held_rows(coach) == []


async def test_news_of_the_link_itself_goes_at_once(coach: Coach, clock: Clock, couple) -> None:
    """That the link ended is a fact both share: it is not kept until 08:00."""
    await coach.run_command(ALEX, "unlink")
    ended = await coach.press(ALEX, f"unl|{couple.couple_id}")
    assert len(to_sam(ended)) == 1
    assert await held_rows(coach) == []


async def test_news_goes_at_once_to_someone_whose_timezone_we_do_not_know(
    coach: Coach, clock: Clock, couple
) -> None:
    """Without Sam's timezone, 01:00 UTC (the default's night) may be Sam's afternoon:
    holding the news through a guessed night would be wrong, so it goes now."""
    await update_user(coach, SAM, timezone=None)
    outs = await alex_answers_a_couple_question(coach)
    assert len(to_sam(outs)) == 1
    assert await held_rows(coach) == []
