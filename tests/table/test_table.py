"""A Talk Table through the coach: the floor, who may press, pauses, the close, safety."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.engine.content import Content
from bot.plugins import GroupEvent
from bot.storage import repo
from bot.storage.models import Reflection, User
from bot.table import floor as f
from bot.table.models import TalkNote, TalkTable
from bot.table.render import Move
from tests.couples.conftest import walk_to_question
from tests.safety.test_care import FALSE_ALARM
from tests.support.clock import Clock
from tests.table.support import GROUP_ID, FakeRoster, Seat


def en(content: Content):
    return lambda key, **values: content.t(key, "en", **values)


async def row(seat: Seat) -> TalkTable:
    async with seat.coach.sessions() as session:
        found = (await session.exec(select(TalkTable))).one()
        return found


async def to_the_floor(seat: Seat, t) -> None:
    await seat.open(seat.alex)
    await seat.press(seat.alex, t("table_start_button"))
    await seat.press(seat.sam, t("table_topic_ours"))


async def one_turn(seat: Seat, t, speaker, listener, heard: str = "I heard you") -> None:
    await seat.press(speaker, t("table_said_button"))
    await seat.reply(listener, heard)
    await seat.press(speaker, t("table_yes_button"))


async def test_a_whole_talk_edits_one_message_and_reveals_both_notes_at_once(
    table: Seat, content: Content
) -> None:
    t, seat = en(content), table
    await seat.open(seat.alex)
    hello = seat.last_group().text
    assert "Alex" in hello and "Sam" in hello  # the group names both, in the opener's language
    await seat.press(seat.alex, t("table_start_button"))
    assert seat.last_group().replace
    prep = content.t("table_private_prep", "tr", partner="Alex")
    assert prep in [o.text for o in seat.to(seat.sam.chat_id)]  # Sam reads Turkish privately
    await seat.private(seat.sam, "I want to say that I miss our walks")
    await seat.press(seat.sam, t("table_topic_question"))
    floor = seat.last_group().text
    assert "🎤 Alex has the floor · Sam listens" in floor and "Topic:" in floor
    await seat.press(seat.alex, t("table_said_button"))
    assert "🎧 Sam, say back what you heard" in seat.last_group().text
    await seat.reply(seat.sam, "You feel unheard when I'm on my phone")
    assert seat.last_group().text.startswith(t("table_topic_line", topic="").split(":")[0])
    assert "Alex, is that what you meant?" in seat.last_group().text
    assert not seat.last_group().replace  # a new message, under the reflection
    await seat.press(seat.alex, t("table_not_quite_button"))
    assert "Alex, say it once more" in seat.last_group().text
    await one_turn(seat, t, seat.alex, seat.sam)
    assert "🎤 Sam has the floor · Alex listens" in seat.last_group().text
    await one_turn(seat, t, seat.sam, seat.alex)
    await one_turn(seat, t, seat.alex, seat.sam)
    await one_turn(seat, t, seat.sam, seat.alex)  # two rounds: the talk closes
    assert t("table_closing") in seat.last_group().text
    await seat.private(seat.alex, "Sam needs more time with me")
    assert seat.to(seat.alex.chat_id)[-1].text == t("table_understood_waiting", partner="Sam")
    revealed = [o for o in seat.in_group if "What you understood" in o.text]
    assert revealed == []
    await seat.private(seat.sam, "Alex feels alone in the evenings")
    revealed = [o for o in seat.in_group if "What you understood" in o.text]
    assert len(revealed) == 1
    assert "Alex: Sam needs more time with me" in revealed[0].text
    assert "Sam: Alex feels alone in the evenings" in revealed[0].text
    assert all("miss our walks" not in o.text for o in seat.in_group)  # prep stays private
    assert (await row(seat)).phase == f.ENDED
    new_messages = [o for o in seat.in_group if not o.replace]
    assert len(new_messages) == 1 + 5 + 1  # hello, one per reflection, the reveal


async def test_only_the_partner_whose_turn_it_is_moves_the_floor(
    table: Seat, content: Content
) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)
    version = (await row(seat)).version
    outs = await seat.press(seat.sam, t("table_said_button"))
    assert [o.text for o in outs if o.notice] == [content.t("table_not_your_turn", "tr")]
    assert (await row(seat)).version == version
    await seat.reply(seat.alex, "talking over the floor")  # the speaker's reply moves nothing
    assert (await row(seat)).phase == f.SPEAK


async def test_someone_else_pressing_gets_a_toast_and_changes_nothing(
    table: Seat, content: Content
) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)
    from bot.turn import Person

    kim = Person(803, 803, "Kim", "en")
    await seat.coach.run_command(kim, "start")
    version = (await row(seat)).version
    outs = await seat.press(kim, t("table_said_button"))
    assert [o.text for o in outs if o.notice] == [t("table_only_partners", a="Alex", b="Sam")]
    assert (await row(seat)).version == version


async def test_a_press_on_an_older_message_is_stale(table: Seat, content: Content) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)
    old = seat.button(t("table_stop_button"))
    await seat.press(seat.alex, t("table_said_button"))
    outs = await seat.press_data(seat.sam, old)
    assert [o.text for o in outs if o.notice] == [content.t("table_moved_on", "tr")]
    assert (await row(seat)).phase == f.REFLECT


async def test_both_pausing_at_the_same_instant_change_the_floor_once(
    table: Seat, content: Content
) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)
    before = (await row(seat)).version
    data = seat.button(t("table_pause_button", minutes=20))
    outs = await asyncio.gather(seat.press_data(seat.alex, data), seat.press_data(seat.sam, data))
    after = await row(seat)
    assert after.phase == f.PAUSED and after.version == before + 1
    toasts = [o for out in outs for o in out if o.notice]
    assert len(toasts) == 1  # the slower press learns the table moved on
    paused = [o for out in outs for o in out if o.chat_id == GROUP_ID]
    assert len(paused) == 1


async def test_a_pause_calms_the_asker_privately_and_returns_once_on_time(
    table: Seat, content: Content, clock: Clock
) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)
    await seat.press(seat.alex, t("table_said_button"))
    await seat.press(seat.sam, t("table_pause_button", minutes=30))
    assert "needs a pause" in seat.last_group().text and "30" in seat.last_group().text
    calm = seat.to(seat.sam.chat_id)[-1]
    assert calm.text == content.t("table_pause_private", "tr", minutes=30)
    assert any(b.data.startswith("cd|breathe") for row in calm.keyboard for b in row)
    assert seat.to(seat.alex.chat_id)[-1].text != calm.text  # only the asker
    clock.advance(minutes=29)
    assert await seat.sweep() == []
    clock.advance(minutes=2)
    back = await seat.sweep()
    assert len(back) == 1 and back[0].chat_id == GROUP_ID
    assert t("table_back") in back[0].text and "🎧 Sam, say back" in back[0].text
    assert await seat.sweep() == []
    assert (await row(seat)).phase == f.REFLECT


async def at_sams_reflection(seat: Seat, t) -> tuple[int, int]:
    """Alex has spoken and Sam is to say it back; returns how many messages the group and
    Alex's own chat had by then, to see what a reply of Sam's adds."""
    await to_the_floor(seat, t)
    await seat.press(seat.alex, t("table_said_button"))
    return len(seat.in_group), len(seat.to(seat.alex.chat_id))


async def test_a_safety_signal_in_a_reflection_ends_the_table_quietly(
    table: Seat, content: Content
) -> None:
    t, seat = en(content), table
    group_before, alex_before = await at_sams_reflection(seat, t)
    await seat.reply(seat.sam, "I want to kill myself")
    assert (await row(seat)).phase == f.ENDED
    said = seat.in_group[group_before:]
    assert [o.text for o in said] == [t("table_closed")]
    private = seat.to(seat.sam.chat_id)[-1].text
    assert "kill" not in private and private != content.t("table_closed", "tr")
    assert len(seat.to(seat.alex.chat_id)) == alex_before  # the partner hears nothing
    outs = await seat.press(seat.alex, t("table_said_button"))
    assert [o for o in outs if not o.notice] == []


async def test_a_reflection_misread_after_the_table_closed_is_not_read_as_a_private_answer(
    table: Seat, content: Content
) -> None:
    """A false alarm in a reflection closes the table (as a signal does). "That's not what I
    meant" then has nowhere in the group to put it back, and must not hand it to Sam's private
    conversation, where it would be saved as the answer to an unrelated question."""
    t, seat = en(content), table
    await walk_to_question(seat.coach, seat.sam, "redefining")
    await at_sams_reflection(seat, t)
    await seat.reply(seat.sam, FALSE_ALARM)
    assert (await row(seat)).phase == f.ENDED
    answer = seat.to(seat.sam.chat_id)[-1]
    [not_meant] = [
        b.data
        for line in answer.keyboard
        for b in line
        if b.label == content.t("safety_not_meant", "tr")
    ]

    seat.keep(await seat.coach.press(seat.sam, not_meant))

    assert seat.to(seat.sam.chat_id)[-1].text == content.t("safety_given_back_table_gone", "tr")
    async with seat.coach.sessions() as session:
        assert (await session.exec(select(Reflection))).all() == []
        state, _ = await repo.load_state(session, seat.sam.user_id)
    assert state.dialog == "redefining" and not state.idle, "back at the question, unanswered"


async def test_a_maybe_in_a_reflection_is_asked_about_privately_and_the_table_stays_open(
    table: Seat, content: Content
) -> None:
    """A maybe (bot.safety.care.Care.ask) must not end the talk in front of the partner: the
    reflection is held (the floor does not move), the question goes to the writer only, and
    only "No, I'm not safe" ends the table, quietly, as a signal does."""
    t, seat = en(content), table
    group_before, alex_before = await at_sams_reflection(seat, t)
    await seat.reply(seat.sam, "i'm careful what i say around him or it gets bad")
    assert (await row(seat)).phase == f.REFLECT, "open, and the reflection not counted"
    assert seat.in_group[group_before:] == []
    [question] = seat.to(seat.sam.chat_id)[-1:]
    assert question.text == content.t("safety_check_question", "tr")
    assert len(seat.to(seat.alex.chat_id)) == alex_before, "the partner hears nothing"

    [not_safe] = [b.data for b in question.keyboard[0][1:]]
    seat.keep(await seat.coach.press(seat.sam, not_safe))
    assert (await row(seat)).phase == f.ENDED
    assert [o.text for o in seat.in_group[group_before:]] == [t("table_closed")]
    assert len(seat.to(seat.alex.chat_id)) == alex_before


async def test_a_safety_signal_in_a_private_note_ends_the_table_too(
    table: Seat, content: Content
) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)
    await seat.press(seat.alex, t("table_stop_button"))
    await seat.private(seat.alex, "I want to kill myself")
    assert (await row(seat)).phase == f.ENDED
    assert seat.last_group().text == t("table_closed")
    async with seat.coach.sessions() as session:
        waiting = (await session.exec(select(TalkNote).where(TalkNote.text == None))).all()  # noqa: E711
    assert waiting == []  # Sam's text is no longer taken as a note


async def test_a_third_member_is_refused_once_then_quiet(table: Seat, content: Content) -> None:
    t, seat = en(content), table
    seat.roster.members.add(999)
    await seat.open(seat.alex)
    await seat.open(seat.sam, talk=True)
    assert [o.text for o in seat.in_group] == [t("table_refused")]
    assert (await row(seat)).phase == f.REFUSED
    seat.roster.members.discard(999)
    await seat.open(seat.alex, talk=True)
    assert seat.last_group().text == t("table_topic", a="Alex", b="Sam")


async def test_two_decisions_on_the_same_version_are_written_once(
    table: Seat, content: Content, clock: Clock
) -> None:
    from bot.table import store

    t, seat = en(content), table
    await to_the_floor(seat, t)
    seen = []
    for _ in range(2):  # both read the floor before either writes
        async with seat.coach.sessions() as session:
            seen.append(await store.by_chat(session, GROUP_ID))
    written = []
    for found, actor in zip(seen, (801, 802), strict=True):
        assert found is not None
        paused = f.move(store.floor_of(found), f.PAUSE, actor, 803 - actor, clock(), minutes=20)
        assert isinstance(paused, f.Floor)
        async with seat.coach.sessions() as session, session.begin():
            written.append(await store.commit(session, found, paused, clock()))
    assert written == [True, False]
    assert (await row(seat)).paused_by == 801


async def test_a_note_waits_only_so_long_and_never_takes_a_conversations_answer(
    table: Seat, content: Content, clock: Clock
) -> None:
    t, seat = en(content), table
    await to_the_floor(seat, t)  # both were asked for a note they may write first
    clock.advance(hours=3)
    outs = await seat.private(seat.alex, "just chatting")
    assert all(o.text != t("table_prep_kept") for o in outs)
    await seat.press(seat.alex, t("table_stop_button"))
    clock.advance(minutes=1)
    seat.keep(await seat.coach.press(seat.sam, "t|redefining"))  # Sam goes on in a topic
    await seat.private(seat.sam, "an answer for the conversation")
    assert all("an answer" not in o.text for o in seat.in_group)
    async with seat.coach.sessions() as session:
        sams = (await session.exec(select(TalkNote).where(TalkNote.user_id == 802))).all()
    assert [n.text for n in sams if n.kind == "understood"] == [None]


async def test_in_quiet_mode_no_note_is_revealed_and_the_table_just_closes(
    table: Seat, content: Content
) -> None:
    from tests.support.people import update_user

    t, seat = en(content), table
    await to_the_floor(seat, t)
    await seat.press(seat.sam, t("table_stop_button"))
    await seat.private(seat.alex, "what I understood")
    await update_user(seat.coach, seat.sam, quiet=True)
    await seat.private(seat.sam, "what Sam understood")
    assert all("understood" not in o.text for o in seat.in_group[-1:])
    assert seat.last_group().text == t("table_closed")
    assert (await row(seat)).phase == f.ENDED


async def test_a_press_is_read_as_its_typed_move_with_its_minutes(
    table: Seat, content: Content
) -> None:
    """`Table.press` takes the unpacked `Move` itself: its minutes are a number, never
    parsed back out of strings (a 60-minute pause is 60 minutes)."""
    t, seat = en(content), table
    await to_the_floor(seat, t)
    version = (await row(seat)).version
    move = Move("p", version, 60)
    await seat.keep_press(seat.sam, move)
    paused = await row(seat)
    assert paused.phase == f.PAUSED and paused.paused_until is not None
    assert round((paused.paused_until - paused.touched_at).total_seconds()) == 60 * 60
    outs = await seat.keep_press(seat.alex, Move("y", paused.version))
    assert [o.text for o in outs if o.notice] == [content.t("table_not_now", "en")]


async def test_a_partner_who_blocked_the_bot_and_presses_in_the_group_stays_unreachable(
    table: Seat, content: Content
) -> None:
    """Only a private message shows Attune may write to someone again: a press in the
    group moves the floor, but Sam (who blocked the bot) is not written to privately,
    and the group hears nothing about it."""
    t, seat = en(content), table
    await seat.open(seat.alex)
    await seat.coach.mark_unreachable(seat.sam.user_id)
    data = seat.button(t("table_start_button"))
    event = GroupEvent(GROUP_ID, "press", seat.sam.user_id, "Sam", "tr", data=data)
    outs = seat.keep(await seat.coach.in_group(event))
    assert (await row(seat)).phase == f.TOPIC
    async with seat.coach.sessions() as session:
        sam = await session.get(User, seat.sam.user_id)
        assert sam is not None and not sam.active
    assert [o for o in outs if o.chat_id == seat.sam.chat_id and not o.notice] == []
    prep = content.t("table_private_prep", "en", partner="Sam")
    assert [o.text for o in outs if o.chat_id == seat.alex.chat_id] == [prep]
    group = [o.text for o in outs if o.chat_id == GROUP_ID]
    assert group == [t("table_topic", a="Alex", b="Sam")]

    await seat.private(seat.sam, "/start")  # back in private: reachable again
    async with seat.coach.sessions() as session:
        sam = await session.get(User, seat.sam.user_id)
        assert sam is not None and sam.active


class SlowRoster(FakeRoster):
    """Telegram taking its time to say who is in the group."""

    def __init__(self, members: set[int]) -> None:
        super().__init__(members)
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()

    async def has(self, user_id: int) -> bool:
        self.asked.set()
        await self.answer.wait()
        return await super().has(user_id)


async def test_a_slow_membership_check_holds_no_transaction(table: Seat, content: Content) -> None:
    """The members are asked before the turn's transaction: while Telegram is slow to
    answer about Alex's group, Sam's own turn (same couple, same lock) goes ahead."""
    seat = table
    roster = SlowRoster({seat.alex.user_id, seat.sam.user_id})
    added = GroupEvent(GROUP_ID, "added", seat.alex.user_id, "Alex", "en", roster=roster)
    opening = asyncio.ensure_future(seat.coach.in_group(added))
    await asyncio.wait_for(roster.asked.wait(), 10)
    try:
        sams = await asyncio.wait_for(seat.coach.run_command(seat.sam, "start"), 10)
    finally:
        roster.answer.set()
    assert sams and all(o.chat_id == seat.sam.chat_id for o in sams)
    said = await asyncio.wait_for(opening, 10)
    assert [o.text for o in said] == [en(content)("table_hello", a="Alex", b="Sam")]
