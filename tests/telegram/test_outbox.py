"""A partner's message survives an outage: four 500s in a row, then it arrives, once."""

from __future__ import annotations

import pytest

from bot.telegram import delivery
from bot.telegram.application import drain, outbox_job
from bot.turn import Person
from tests.support.people import link
from tests.telegram.test_inbox import TOGETHER, Bot, bot  # noqa: F401 (the fixture)


def reveals(person, a, b) -> list[str]:
    return [
        m.text
        for m in person.inbox()
        if f"{a.id}: answer {TOGETHER}" in m.text and f"{b.id}: answer {TOGETHER}" in m.text
    ]


async def test_four_500s_then_recovery_delivers_the_reveal_exactly_once(
    bot: Bot,  # noqa: F811
    clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0)
    alex, sam = bot.fake.user(4001, "Alex"), bot.fake.user(4002, "Sam")
    outbox, bot.coach.outbox = bot.coach.outbox, None  # linked behind the transport's back
    await link(bot.coach, Person(alex.id, alex.id, "Alex"), Person(sam.id, sam.id, "Sam"))
    bot.coach.outbox = outbox
    for person in (alex, sam):
        await bot.receive(person.send_command("/start"))
    for n in range(1, TOGETHER + 1):
        await bot.receive(alex.send_text(f"{alex.id}: answer {n}"))
    for n in range(1, TOGETHER):
        await bot.receive(sam.send_text(f"{sam.id}: answer {n}"))
    await bot.settle()
    bot.fake.fail_next("sendMessage", 500, times=4, chat_id=alex.id)
    await bot.receive(sam.send_text(f"{sam.id}: answer {TOGETHER}"))
    await bot.settle()
    assert len(reveals(sam, alex, sam)) == 1
    assert reveals(alex, alex, sam) == [], "four tries, four 500s"
    failed = [c for c in bot.fake.sent_to(alex.id, include_failed=True) if not c.ok]
    assert len(failed) == 4

    job = outbox_job(bot.coach.outbox, bot.coach.settings)
    assert await drain(job, bot.coach, bot.app.bot) == 0, "not before its pause is over"
    clock.advance(seconds=3)
    assert await drain(job, bot.coach, bot.app.bot) == 1
    clock.advance(minutes=10)
    assert await drain(job, bot.coach, bot.app.bot) == 0
    assert len(reveals(alex, alex, sam)) == 1
