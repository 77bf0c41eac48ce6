"""A group upgraded to a supergroup mid-talk: the table follows it to the new chat id.

Through the real PTB Application against the fake Bot API, which migrates a group as
Telegram does: a new `-100…` chat with the same members and none of the old messages,
`migrate_to_chat_id` in the old chat and `migrate_from_chat_id` in the new one, and a
400 with `parameters.migrate_to_chat_id` for anything sent to the old id afterwards.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from bot.coach import Coach
from bot.engine.content import Content
from bot.table.models import TalkTable
from bot.telegram.delivery import deliver as send
from bot.turn import Outbound
from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.flood import FloodLimits
from tests.fakes.groups import supergroup_id
from tests.fakes.recording_request import deliver, drain
from tests.fakes.simulated import SimGroup, SimUser
from tests.fakes.telegram_core import FakeTelegram
from tests.support.people import link_rows
from tests.table.support import GROUP_ID, Seat

GROUP = -100600
LINK = re.compile(r"https://t\.me/\w+\?startgroup=\w+")
ROUNDS = 3


async def talking(
    app: Any, fake: FakeTelegram, coach: Coach, content: Content
) -> tuple[SimUser, SimUser, SimGroup]:
    """Alex and Sam, linked, at a table in an ordinary group, Alex holding the floor."""
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = fake.user(921, "Alex"), fake.user(922, "Sam", language_code="tr")
    for person in (alex, sam):
        await deliver(app, person.send_command("/start"))
    await link_rows(coach.sessions, alex.id, sam.id)
    await deliver(app, alex.send_command("/talk"))
    url = LINK.search(alex.last_text() or "")
    assert url is not None
    group = fake.new_group(GROUP, "Us", alex.id, sam.id)
    fake.open_startgroup_link(url.group(), alex.id, GROUP)
    await drain(app, fake)
    await deliver(app, group.press(alex, t("table_start_button")))
    await deliver(app, group.press(sam, t("table_topic_ours")))
    assert "🎤 Alex" in (group.inbox()[-1].text or ""), group.transcript()
    return alex, sam, group


async def row_of(coach: Coach) -> TalkTable:
    async with coach.sessions() as session:
        rows = (await session.exec(TalkTable.__table__.select())).all()  # type: ignore[attr-defined]
    assert len(rows) == 1, rows
    return TalkTable.model_validate(rows[0]._mapping)


@pytest.fixture
def fake() -> FakeTelegram:
    """Without flood control, said plainly: this talk sends some thirty messages and edits
    within a second, which Telegram would slow down and the limiter (off here, to keep
    the test instant) would pace. A 429 is retried by the message's delivery record a
    few seconds later, outside what this test drives; pacing has its own tests
    (tests/telegram/test_group_pace.py and the table's end-to-end talk)."""
    return FakeTelegram(flood=FloodLimits.off())


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_talk_follows_its_group_into_the_supergroup_and_finishes_there(
    app: Any, fake: FakeTelegram, coach: Coach, content: Content, caplog: Any
) -> None:
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam, group = await talking(app, fake, coach, content)
    here: SimGroup = group
    speakers = [(alex, sam), (sam, alex)]
    for turn in range(2 * ROUNDS):
        speaker, listener = speakers[turn % 2]
        await deliver(app, here.press(speaker, t("table_said_button")))
        if turn == 1:  # Sam has just said it; Alex is to say back what he heard
            before, left_behind = await row_of(coach), group.inbox()
            mark = len(fake.calls)
            here = fake.migrate_to_supergroup(GROUP)
            await drain(app, fake)
            row = await row_of(coach)
            assert row.chat_id == here.id == supergroup_id(GROUP)
            assert (row.phase, row.version, row.speaker_id) == (
                before.phase,
                before.version,
                before.speaker_id,
            )
            floor = here.inbox()
            assert len(floor) == 1 and not floor[0].edited, here.transcript()
            assert t("table_reflect", speaker="Sam", listener="Alex") in (floor[0].text or "")
            sent = [c for c in fake.calls[mark:] if c.method in OUTPUT_METHODS]
            assert sent and all(c.ok and c.chat_id == here.id for c in sent)
        await deliver(app, here.reply(listener, here.inbox()[-1].message_id, "What I heard…"))
        await deliver(app, here.press(speaker, t("table_yes_button")))
    await deliver(app, alex.send_text("Sam needs quiet mornings"))
    await deliver(app, sam.send_text("Alex wants us to plan together"))

    reveal = here.inbox()[-1].text or ""
    assert "Alex: Sam needs quiet mornings" in reveal, here.transcript()
    assert "Sam: Alex wants us to plan together" in reveal
    assert group.inbox() == left_behind  # nothing more is said (or tried) in the old group
    assert (await row_of(coach)).chat_id == here.id
    assert not fake.internal_errors and errors(caplog) == []


@pytest.mark.parametrize("upgrader", ["partner", "stranger"])
async def test_the_migration_heard_twice_and_from_both_chats_moves_the_table_once(
    app: Any, fake: FakeTelegram, coach: Coach, content: Content, caplog: Any, upgrader: str
) -> None:
    """Whoever upgraded it: Alex (a partner's turn) or someone Attune does not know."""
    alex, _, _ = await talking(app, fake, coach, content)
    by = alex.id if upgrader == "partner" else fake.user(923, "Kim").id
    supergroup = fake.migrate_to_supergroup(GROUP, by=by)
    await drain(app, fake)
    moved = await row_of(coach)
    assert moved.chat_id == supergroup.id
    assert len(supergroup.inbox()) == 1  # the floor, said once though both chats told us
    mark = len(fake.calls)

    fake.repeat_migration(GROUP)
    assert len(fake.pending_updates()) == 2
    await drain(app, fake)
    again = await row_of(coach)
    assert (again.chat_id, again.version, again.touched_at) == (
        moved.chat_id,
        moved.version,
        moved.touched_at,
    )
    assert [c.method for c in fake.calls[mark:] if c.method in OUTPUT_METHODS] == []
    assert len(supergroup.inbox()) == 1
    assert errors(caplog) == []


async def test_a_press_queued_before_the_upgrade_reaches_the_supergroup(
    app: Any, fake: FakeTelegram, coach: Coach, content: Content, caplog: Any
) -> None:
    """The press was made in the old group just before it moved; handling it, the bot
    edits a message Telegram now refuses: the floor is sent to the new chat instead."""
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam, group = await talking(app, fake, coach, content)
    press = group.press(alex, t("table_said_button"))
    supergroup = fake.migrate_to_supergroup(GROUP)
    await drain(app, fake)

    refused = [c for c in fake.calls if c.chat_id == GROUP and not c.ok]
    assert refused and all(c.error and c.error.migrate_to_chat_id for c in refused)
    texts = [m.text or "" for m in supergroup.inbox()]
    reflect = t("table_reflect", speaker="Alex", listener="Sam")
    assert texts and all(reflect in text for text in texts), supergroup.transcript()
    assert fake.callback_answer(press["callback_query"]["id"]) is not None
    await deliver(app, supergroup.reply(sam, supergroup.inbox()[-1].message_id, "You…"))
    await deliver(app, supergroup.press(alex, t("table_yes_button")))
    assert "🎤 Sam" in (supergroup.inbox()[-1].text or ""), supergroup.transcript()
    assert errors(caplog) == []


async def test_a_message_for_the_old_group_id_is_sent_to_the_supergroup_once(
    app: Any, fake: FakeTelegram, coach: Coach
) -> None:
    fake.user(931, "Alex")
    fake.new_group(GROUP, "Us", 931, with_bot=True)
    supergroup = fake.migrate_to_supergroup(GROUP)
    outcomes = await send(app.bot, [Outbound(GROUP, GROUP, "Back again")], coach.mark_unreachable)
    assert [o.value for o in outcomes] == ["sent"]
    assert [m.text for m in supergroup.inbox()] == ["Back again"]
    assert [c.ok for c in fake.calls if c.method == "sendMessage"] == [False, True]


async def test_the_fake_refuses_the_old_id_as_telegram_does(fake: FakeTelegram) -> None:
    fake.user(941, "Alex")
    fake.new_group(GROUP, "Us", 941, with_bot=True)
    supergroup = fake.migrate_to_supergroup(GROUP)
    code, body = fake.respond("sendMessage", {"chat_id": GROUP, "text": "hi"})
    assert (code, body) == (
        400,
        {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": supergroup.id},
        },
    )
    updates = [u["message"] for u in fake.pending_updates()]
    assert [(m["chat"]["id"], m.get("migrate_to_chat_id")) for m in updates][-2] == (
        GROUP,
        supergroup.id,
    )
    assert (updates[-1]["chat"], updates[-1]["migrate_from_chat_id"]) == (
        {"id": supergroup.id, "type": "supergroup", "title": "Us"},
        GROUP,
    )
    assert str(supergroup.id).startswith("-100") and supergroup.members() == {
        941: "creator",
        fake.bot_user["id"]: "member",
    }


async def test_the_table_moves_in_one_statement_on_each_database(table: Seat) -> None:
    """On SQLite and PostgreSQL: moved once, and a second move changes nothing."""
    await table.open(table.alex, talk=True)
    new = supergroup_id(GROUP_ID)
    first = await table.coach.handle(table.alex, lambda t: table.table.migrate(t, GROUP_ID, new))
    second = await table.coach.handle(table.sam, lambda t: table.table.migrate(t, GROUP_ID, new))
    assert [o.chat_id for o in first] == [new] and second == []
    async with table.coach.sessions() as session:
        rows = (await session.exec(TalkTable.__table__.select())).all()  # type: ignore[attr-defined]
    assert [r.chat_id for r in rows] == [new]
