"""The Talk Table through the real PTB Application and the fake Bot API's groups."""

from __future__ import annotations

import re
from typing import Any

from bot.coach import Coach
from bot.engine.content import Content
from tests.fakes.recording_request import deliver, drain
from tests.fakes.telegram_core import FakeTelegram
from tests.support.people import link_rows

GROUP = -100500
MAYBE = "i'm careful what i say around him or it gets bad"
"""Fear at 0.61 by meaning, by no phrase: a question, not an answer (tests/safety/test_care)."""
LINK = re.compile(r"https://t\.me/\w+\?startgroup=\w+")


async def couple(app: Any, fake: FakeTelegram, coach: Coach):
    alex, sam = fake.user(901, "Alex"), fake.user(902, "Sam", language_code="tr")
    for person in (alex, sam):
        await deliver(app, person.send_command("/start"))
    await link_rows(coach.sessions, alex.id, sam.id)
    return alex, sam


async def test_a_startgroup_link_opens_the_table_and_the_floor_is_edited_in_place(
    app, fake: FakeTelegram, coach: Coach, content: Content
) -> None:
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = await couple(app, fake, coach)
    await deliver(app, alex.send_command("/talk"))
    url = LINK.search(alex.last_text() or "")
    assert url is not None, alex.last_text()
    button = alex.last_message().keyboard[0][0]  # type: ignore[union-attr]
    assert button == {"text": t("table_open_button"), "url": url.group()}
    group = fake.new_group(GROUP, "Us", alex.id, sam.id)
    fake.open_startgroup_link(url.group(), alex.id, GROUP)
    await drain(app, fake)
    assert [m.text for m in group.inbox()] == [t("table_hello", a="Alex", b="Sam")]

    await deliver(app, group.press(alex, t("table_start_button")))
    await deliver(app, group.press(sam, t("table_topic_ours")))
    floor = group.inbox()
    assert len(floor) == 1 and floor[0].edited  # the hello became the floor
    assert "🎤 Alex has the floor" in (floor[0].text or "")

    update = group.press(sam, t("table_said_button"))
    await deliver(app, update)
    answer = fake.callback_answer(update["callback_query"]["id"])
    assert answer is not None and answer.get("text") == content.t("table_not_your_turn", "tr")

    fake.user_message(GROUP, alex.id, {"text": "what I feel is..."})  # privacy mode: unseen
    assert fake.pending_updates() == []
    await deliver(app, group.press(alex, t("table_said_button")))
    reflect = group.inbox()[-1]
    assert "say back what you heard" in (reflect.text or "")
    await deliver(app, group.reply(sam, reflect.message_id, "You feel tired"))
    assert group.inbox()[-1].text and "Alex, is that what you meant?" in group.inbox()[-1].text
    assert len(group.inbox()) == 2


async def test_a_group_with_someone_else_is_told_once_and_a_stranger_cannot_press(
    app, fake: FakeTelegram, coach: Coach, content: Content
) -> None:
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = await couple(app, fake, coach)
    kim = fake.user(903, "Kim")
    group = fake.new_group(GROUP, "Us", alex.id, sam.id, kim.id)
    fake.add_bot(GROUP, by=alex.id)
    await drain(app, fake)
    await deliver(app, group.send_command(alex, "talk", mention_bot=True))
    assert [m.text for m in group.inbox()] == [t("table_refused")]

    fake.leave(GROUP, kim.id)
    await drain(app, fake)
    assert group.inbox()[-1].text == t("table_hello", a="Alex", b="Sam")
    update = group.press(kim, t("table_start_button"))
    await deliver(app, update)
    answer = fake.callback_answer(update["callback_query"]["id"])
    assert answer is not None and answer.get("text") == t("table_only_partners", a="Alex", b="Sam")
    assert len(group.inbox()) == 2


async def test_a_partner_leaving_stops_the_talk_kindly(
    app, fake: FakeTelegram, coach: Coach, content: Content
) -> None:
    alex, sam = await couple(app, fake, coach)
    group = fake.new_group(GROUP, "Us", alex.id, sam.id)
    fake.add_bot(GROUP, by=sam.id)
    await drain(app, fake)
    await deliver(app, group.send_command(sam, "talk"))
    assert group.inbox()[-1].text == content.t("table_topic", "tr", a="Sam", b="Alex")
    fake.leave(GROUP, alex.id)
    await drain(app, fake)
    assert group.inbox()[-1].text == content.t("table_left", "tr", name="Alex")


async def reflecting(app: Any, fake: FakeTelegram, coach: Coach, content: Content):
    """Alex and Sam at a table in GROUP, Alex has spoken, Sam is to say it back."""
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = await couple(app, fake, coach)
    group = fake.new_group(GROUP, "Us", alex.id, sam.id)
    fake.add_bot(GROUP, by=alex.id)
    await drain(app, fake)
    await deliver(app, group.press(alex, t("table_start_button")))
    await deliver(app, group.press(sam, t("table_topic_ours")))
    await deliver(app, group.press(alex, t("table_said_button")))
    return alex, sam, group


async def test_a_reflection_held_as_a_maybe_and_said_safe_is_said_back_at_the_table(
    app, fake: FakeTelegram, coach: Coach, content: Content
) -> None:
    """ "I'm safe, go on" gives the reflection back where it was written: the floor moves as
    if Sam had just said it, and Sam's private conversation never reads it as an answer."""
    alex, sam, group = await reflecting(app, fake, coach, content)
    reflect = group.inbox()[-1]
    in_group, to_alex = len(group.inbox()), len(alex.inbox())
    await deliver(app, group.reply(sam, reflect.message_id, MAYBE))
    assert sam.last_text() == content.t("safety_check_question", "tr")
    assert len(group.inbox()) == in_group, "held: the floor waits"

    await deliver(app, sam.press(content.t("safety_check_go_on", "tr")))

    assert "Alex, is that what you meant?" in (group.inbox()[-1].text or "")
    assert [m.text for m in sam.inbox()][-2:] == [
        content.t("safety_check_question", "tr"),
        content.t("safety_check_go_on_reply", "tr"),
    ], "nothing more in Sam's own chat: the reflection was not read there"
    assert len(alex.inbox()) == to_alex, "Alex's private chat hears nothing of it"
