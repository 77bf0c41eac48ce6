"""The steps people take to become a couple through real invites (the two-partner
harness, `tests.support.people`, links them straight in the database instead)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.coach import Coach
from bot.engine import callbacks
from bot.engine.content import Content
from bot.engine.outputs import KeyButton
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory
from bot.turn import Outbound, Person
from tests.support import people
from tests.support.clock import Clock
from tests.support.people import texts, to

ALEX = people.ALEX
SAM = people.speaking(people.SAM, "en")
KIM = people.speaking(people.KIM, "tr")
BOT_USERNAME = "attune_test_bot"
CODE_IN_TEXT = re.compile(r"/start ([A-Za-z0-9_-]+)")


@pytest.fixture
def coach(coach: Coach) -> Coach:
    """The wired coach on SQLite, knowing its @username as the Telegram transport would."""
    coach.bot_username = BOT_USERNAME
    return coach


@pytest.fixture
async def pg_coach(postgres_url: str, content: Content, clock: Clock) -> AsyncIterator[Coach]:
    """The wired coach on a fresh, migrated PostgreSQL database."""
    engine = create_engine(postgres_url)
    coach = Coach(content, session_factory(engine), clock, features=FEATURES)
    coach.bot_username = BOT_USERNAME
    yield coach
    await engine.dispose()


def news(outs: list[Outbound], person: Person) -> list[str]:
    """Each message's first paragraph: a "you're now linked" message also carries the
    private safety question (bot.safety.link_question) after it."""
    return [text.split("\n\n")[0] for text in texts(outs, person)]


def code_in(outs: list[Outbound]) -> str:
    for out in outs:
        if found := CODE_IN_TEXT.search(out.text):
            return found.group(1)
    raise AssertionError(f"no invite code in {[o.text for o in outs]}")


async def name_yourself(coach: Coach, person: Person, name: str | None = None) -> None:
    """Choose the name the partner will see (the first name when `name` is None)."""
    outs = await coach.run_command(person, "settings")
    assert outs, "settings answers"
    await coach.press(person, "set|name")
    await coach.text(person, name or person.first_name)


async def invite(coach: Coach, person: Person) -> str:
    """`person` makes an invite (answering the name question if asked) and returns its code."""
    outs = await coach.run_command(person, "invite")
    if not CODE_IN_TEXT.search(" ".join(o.text for o in outs)):
        outs = await coach.press(person, "nm|use")
    return code_in(outs)


async def join(coach: Coach, person: Person, code: str) -> list[Outbound]:
    """`person` opens the link (answering the name question if asked); all messages sent."""
    outs = await coach.run_command(person, "start", (code,))
    if any(b.data == "nm|use" for o in outs for b in (x for row in o.keyboard for x in row)):
        outs += await coach.press(person, "nm|use")
    return outs


async def link(coach: Coach, a: Person, b: Person) -> list[Outbound]:
    return await join(coach, b, await invite(coach, a))


def buttons(outs: list[Outbound], person: Person) -> list[KeyButton]:
    return [b for o in to(outs, person) for row in o.keyboard for b in row]


async def walk_to_question(coach: Coach, person: Person, dialog: str) -> list[Outbound]:
    """Open `dialog` and tap the first button until it asks for free text."""
    outs = await coach.press(person, callbacks.Topic(dialog).pack())
    while shown := buttons(outs, person):
        outs = await coach.press(person, shown[0].data)
    return outs


async def answer(
    coach: Coach, person: Person, text: str, dialog: str, *, share: bool | None = None
) -> list[Outbound]:
    """Answer `dialog`'s first question; then share it, keep it private, or (None) neither."""
    await walk_to_question(coach, person, dialog)
    outs = await coach.text(person, text)
    if share is not None:
        label = coach.content.t(
            "share_with_partner" if share else "keep_private", person.language_code
        )
        [data] = [b.data for b in buttons(outs, person) if b.label == label]
        outs += await coach.press(person, data)
    return outs
