"""A partner's message survives an outage: four 500s in a row, then it arrives, once;
each try is an admission of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.outbox.store import OUTBOX
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
    assert reveals(alex, alex, sam) == [], "the first try met a 500"

    async def row() -> tuple[str, int]:
        async with bot.coach.sessions() as session:
            query = select(OUTBOX.c.status, OUTBOX.c.attempts).where(
                OUTBOX.c.chat_id == alex.id, OUTBOX.c.body.is_not(None)
            )
            return tuple((await session.exec(query)).one())  # type: ignore[return-value]

    def failed() -> int:
        return len([c for c in bot.fake.sent_to(alex.id, include_failed=True) if not c.ok])

    # One request per admission: between tries the row waits `claimed` (a kill there
    # loses nothing, it is resent), never `sending` (a kill there would be unknown).
    assert (await row(), failed()) == (("claimed", 1), 1)
    job = outbox_job(bot.coach.outbox, bot.coach.settings)
    assert await drain(job, bot.coach, bot.app.bot) == 0, "not before its pause is over"
    for tries, pause in ((2, 3), (3, 5), (4, 9)):
        clock.advance(seconds=pause)
        assert await drain(job, bot.coach, bot.app.bot) == 1
        assert (await row(), failed()) == (("claimed", tries), tries)
    clock.advance(seconds=17)
    assert await drain(job, bot.coach, bot.app.bot) == 1
    clock.advance(minutes=10)
    assert await drain(job, bot.coach, bot.app.bot) == 0
    assert len(reveals(alex, alex, sam)) == 1
