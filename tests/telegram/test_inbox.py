"""Through the inbox, with the real Application: many people at once, each in order.

Updates are stored first and handled by the inbox worker, exactly as the
running bot does; the chain dialog below makes any reordering visible (an
answer would land on the wrong question) and its couple question shows
whether two partners answering at the same moment see the reveal once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.coach import Coach
from bot.config import load_settings
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.inbox.store import Inbox, Stored
from bot.inbox.ticket import Ticket, holding
from bot.inbox.worker import InboxWorker
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.models import Reflection
from bot.telegram.application import build_application, on_started
from bot.telegram.processor import dispatcher
from bot.turn import Person
from tests.engine.dialog_files import write_dialogs
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.support.people import link

STEPS = 6
TOGETHER = 3
CHAIN = (
    "id: welcome\ntitle: {en: Chain, tr: Zincir}\nstart: q1\nnodes:\n"
    + "".join(
        f"  q{n}:\n"
        f'    text: {{en: "Question {n}?", tr: "Soru {n}?"}}\n'
        f"    ask: {{key: a{n}, shareable: false"
        + (", together: true" if n == TOGETHER else "")
        + "}\n"
        f"    next: {'q' + str(n + 1) if n < STEPS else 'bye'}\n"
        for n in range(1, STEPS + 1)
    )
    + '  bye:\n    text: {en: "The end.", tr: "Son."}\n    end: true\n'
)
TAP = """
id: tap
title: {en: Tap, tr: Dokun}
start: hello
nodes:
  hello:
    text: {en: "Ready?", tr: "Hazır mısın?"}
    buttons:
      - {label: {en: Go, tr: Başla}, next: q}
  q:
    text: {en: "Question 1?", tr: "Soru 1?"}
    ask: {key: tapped, shareable: false}
    next: bye
  bye:
    text: {en: "The end.", tr: "Son."}
    end: true
"""


class Bot:
    """The Application, an inbox and its worker on one database."""

    def __init__(self, coach: Coach, fake: FakeTelegram) -> None:
        settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
        self.coach = coach
        self.fake = fake
        self.app = build_application(
            settings,
            coach,
            request=RecordingRequest(fake),
            get_updates_request=RecordingRequest(fake),
        )  # paced as in production: the fake refuses what Telegram's flood limit would
        self.inbox = Inbox(coach.sessions)
        self.worker = InboxWorker(self.inbox, dispatcher(self.app), poll_seconds=0.05)

    async def receive(self, *updates: dict[str, Any]) -> None:
        await self.inbox.receive(list(updates))
        for update in updates:
            self.fake.consume_update(update["update_id"])
        self.worker.wake()

    async def settle(self) -> None:
        for _ in range(3000):
            if not await self.inbox.waiting():
                await self.worker.idle()
                return
            await asyncio.sleep(0.01)
        raise TimeoutError("the inbox did not drain")


@pytest.fixture
async def bot(database_url: str, tmp_path: Path, clock) -> AsyncIterator[Bot]:
    files = {"welcome.yaml": CHAIN, "tap.yaml": TAP}
    content = load_content(write_dialogs(tmp_path / "d", files, topics=["welcome", "tap"]))
    engine = create_engine(database_url)
    await migrate(engine)
    coach = Coach(content, session_factory(engine), clock, features=FEATURES)
    bot = Bot(coach, FakeTelegram())
    async with bot.app:
        await on_started(bot.app, coach)
        await bot.worker.start()
        yield bot
        await bot.worker.stop()
    await engine.dispose()


def questions(texts: list[str]) -> list[int]:
    """The questions asked, in order (a message may open with a greeting or a note)."""
    paragraphs = [p for t in texts for p in t.split("\n\n")]
    return [int(p.split()[1].rstrip("?")) for p in paragraphs if p.startswith("Question ")]


async def test_many_people_at_once_each_answered_in_the_order_they_wrote(bot: Bot) -> None:
    people = [bot.fake.user(2000 + i, f"P{i}") for i in range(16)]
    for a, b in zip(people[0::2], people[1::2], strict=True):
        await link(bot.coach, Person(a.id, a.id, "A"), Person(b.id, b.id, "B"))
    rounds = [[p.send_command("/start") for p in people]]
    rounds += [[p.send_text(f"{p.id}: answer {n}") for p in people] for n in range(1, STEPS + 1)]
    for batch in rounds:  # everyone's next message arrives while earlier ones are handled
        await bot.receive(*batch)
    await bot.settle()

    async with bot.coach.sessions() as session:
        stored = (await session.exec(select(Reflection).order_by(Reflection.id))).all()
    for person in people:
        texts = [m.text for m in person.inbox()]
        assert questions(texts) == list(range(1, STEPS + 1)), person.transcript()
        assert texts[-1] == "The end."
        answers = [(r.key, r.text) for r in stored if r.user_id == person.id]
        assert answers == [(f"a{n}", f"{person.id}: answer {n}") for n in range(1, STEPS + 1)]
    for a, b in zip(people[0::2], people[1::2], strict=True):
        for person in (a, b):
            reveals = [
                m.text
                for m in person.inbox()
                if f"{a.id}: answer {TOGETHER}" in m.text and f"{b.id}: answer {TOGETHER}" in m.text
            ]
            assert len(reveals) == 1, person.transcript()
    assert (bot.worker.handled, bot.worker.repeated) == (len(people) * (STEPS + 1), 0)


async def test_a_double_tap_through_the_inbox_changes_nothing_twice(bot: Bot) -> None:
    alex = bot.fake.user(3001, "Alex")
    await bot.receive(alex.send_command("/topics"))
    await bot.settle()
    await bot.receive(alex.press("t|tap"))
    await bot.settle()
    # Two presses of the same button, stored together and handled one after the other.
    first, second = alex.press("Go"), alex.press("Go")
    await bot.receive(first, second)
    await bot.settle()
    assert questions([m.text for m in alex.inbox()]) == [1]
    assert alex.last_answer()["text"].startswith("That step is already done")
    await bot.receive(alex.send_text("only once"))
    await bot.settle()
    async with bot.coach.sessions() as session:
        stored = (await session.exec(select(Reflection.text))).all()
    assert stored == ["only once"]


async def test_an_update_handled_before_a_crash_is_not_handled_again(bot: Bot) -> None:
    """The process died after the turn committed but before the worker noted it: the
    next attempt finds the update marked done in the turn's own transaction."""
    await bot.worker.stop()  # this test plays the worker itself
    alex = bot.fake.user(3002, "Alex")
    start = alex.send_command("/start")
    await bot.inbox.receive([start])
    (row,) = (await bot.inbox.claim(10))[alex.id]
    dispatch = dispatcher(bot.app)
    await run_once(dispatch, row)
    replies = len(alex.inbox())
    assert replies > 0
    await run_once(dispatch, row)
    assert len(alex.inbox()) == replies


async def run_once(dispatch: Any, row: Stored) -> Ticket:
    ticket = Ticket(row.update_id)
    with holding(ticket):
        await dispatch(row, ticket)
    return ticket
