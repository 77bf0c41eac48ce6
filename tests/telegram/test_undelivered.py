"""Through the real PTB Application and the fake Bot API: Alex shares an answer with Sam,
is told it is on its way (true then), and is told later, kindly and without the words,
when it could not be delivered: Sam blocked the bot (403), or a day of tries gave up."""

from __future__ import annotations

from typing import Any

import pytest
import sqlmodel
from sqlalchemy import select

from bot.config import Settings
from bot.engine import callbacks
from bot.outbox.store import OUTBOX
from bot.storage.models import Reflection
from bot.telegram import delivery
from bot.telegram.application import drain, outbox_job
from tests.fakes.recording_request import deliver
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.nudges.support import make_coach
from tests.support.people import ALEX, SAM, link
from tests.support.telegram_app import fake_app

ANSWER = "When you go quiet I think you are leaving, and I get loud"


@pytest.fixture
def coach(db_engine, content, clock):
    return make_coach(db_engine, content, clock)


async def share_an_answer(app: Any, alex: Any) -> None:
    await deliver(app, alex.send_command("topics"))
    await deliver(app, alex.press(callbacks.Topic("redefining").pack()))
    for node in ("open", "surface"):
        await deliver(app, alex.press(callbacks.Nav("redefining", node, 0).pack()))
    await deliver(app, alex.send_text(ANSWER))
    await deliver(app, alex.press(callbacks.Share("redefining", "familiar", True).pack()))


async def run(coach, content, clock, trouble: Any) -> tuple[FakeTelegram, list[str], list[str]]:
    """Alex shares; `trouble(fake)` happens first; the outbox job runs for a simulated day.
    Returns the fake and what Alex read after sharing, and every text Sam received."""
    await link(coach, ALEX, SAM)
    fake = FakeTelegram()
    alex, sam = fake.user(ALEX.user_id, "Alex"), fake.user(SAM.user_id, "Sam", language_code="tr")
    settings = Settings(telegram_bot_token=DEFAULT_TOKEN)
    app = fake_app(coach, fake, settings)  # a simulated day of tries, not paced in real seconds
    async with app:
        await deliver(app, sam.send_command("start"))
        await deliver(app, alex.send_command("start"))
        trouble(fake)
        mark = len(alex.inbox())
        await share_an_answer(app, alex)
        assert coach.outbox is not None
        job = outbox_job(coach.outbox, settings)
        for _ in range(110):  # 110 × 16 minutes (the longest pause is 15): past the last try
            clock.advance(minutes=16)
            await drain(job, coach, app.bot)
    said = [m.text or "" for m in alex.inbox(include_deleted=True)[mark:]]
    return fake, said, [m.text or "" for m in sam.inbox()]


async def shared(coach) -> list[bool]:
    async with coach.sessions() as session:
        rows = (await session.exec(sqlmodel.select(Reflection))).all()
    assert [r.text for r in rows] == [ANSWER], "the answer itself is kept (/mydata)"
    return [r.shared for r in rows]


async def test_alex_is_told_when_sam_has_blocked_the_bot(coach, content, clock) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    fake, said, to_sam = await run(
        coach, content, clock, lambda fake: fake.block(SAM.user_id, notify=False)
    )
    assert any(en("shared", partner="Sam") in text for text in said), "on its way: true then"
    what = en("undelivered_what_partner_shared", title=content.title("redefining", "en"))
    told = [t for t in said if t == en("undelivered_blocked", what=what, partner="Sam")]
    assert len(told) == 1, said
    assert ANSWER not in told[0]
    assert not any(ANSWER in t for t in to_sam)
    refused = [c for c in fake.sent_to(SAM.user_id, include_failed=True) if not c.ok]
    assert len(refused) == 1 and refused[0].error.code == 403, "tried once, no more"
    assert await shared(coach) == [False]


async def test_alex_is_told_when_a_day_of_tries_gives_up(
    coach, content, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0)
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731

    def outage(fake: FakeTelegram) -> None:
        fake.fail_next("sendMessage", 500, times=10_000, chat_id=SAM.user_id)

    fake, said, _ = await run(coach, content, clock, outage)
    what = en("undelivered_what_partner_shared", title=content.title("redefining", "en"))
    told = [t for t in said if t == en("undelivered_gave_up", what=what, partner="Sam")]
    assert len(told) == 1, said
    tries = [c for c in fake.sent_to(SAM.user_id, include_failed=True) if not c.ok]
    print(f"\n{len(tries)} tries, one request each, before giving up")
    assert len(tries) == coach.outbox.record.retry.attempts
    async with coach.sessions() as session:
        statuses = (await session.exec(select(OUTBOX.c.status, OUTBOX.c.body))).all()
    assert ("failed", None) in statuses
    assert await shared(coach) == [False]
