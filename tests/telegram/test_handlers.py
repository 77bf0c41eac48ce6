"""Real `Update` objects through the real Application: what a Telegram user experiences."""

from __future__ import annotations

from sqlmodel import select

from bot.storage.models import User
from tests.fakes.recording_request import deliver
from tests.fakes.telegram_core import FakeTelegram
from tests.support.people import Person, link


async def test_start_greets_in_one_message_that_opens_the_welcome(app, fake: FakeTelegram) -> None:
    alex = fake.user(501, "Alex")
    await deliver(app, alex.send_command("/start"))
    [greeting] = alex.inbox()
    assert "Attune" in greeting.text and "coach, not therapy or emergency care" in greeting.text
    assert "Let's get to know each other" in greeting.text
    assert greeting.button_texts == ["Sounds good", "How does this work?"]


async def test_buttons_edit_the_message_in_place_and_the_dialog_moves_on(
    app, fake: FakeTelegram
) -> None:
    alex = fake.user(502, "Alex")
    await deliver(app, alex.send_command("/start"))
    await deliver(app, alex.press("Sounds good"))
    settled = alex.inbox()[0]
    assert settled.edited and settled.keyboard == [] and settled.text.endswith("✓ Sounds good")
    assert settled.text.startswith("Hi, Alex!"), "the edit keeps the whole greeting"
    assert alex.last_text().startswith("What made you look for a coach")
    await deliver(app, alex.send_text("We argue about chores"))
    assert alex.last_text().startswith("Thank you"), "the answer is acknowledged..."
    assert "how does your relationship feel" in alex.last_text(), "...in the next message"
    assert alex.inbox()[-1].button_texts[0].startswith("Close")


async def test_a_double_tap_is_answered_without_changing_anything(app, fake: FakeTelegram) -> None:
    alex = fake.user(503, "Alex")
    await deliver(app, alex.send_command("/start"))
    first, second = alex.press("Sounds good"), alex.press("Sounds good")
    await deliver(app, first)
    before = len(alex.inbox())
    await deliver(app, second)
    assert len(alex.inbox()) == before
    assert alex.last_answer()["text"].startswith("That step is already done")


async def test_forged_button_data_gets_a_kind_answer(app, fake: FakeTelegram) -> None:
    alex = fake.user(504, "Alex")
    await deliver(app, alex.send_command("/start"))
    update = alex.press("Sounds good")
    update["callback_query"]["data"] = "n|welcome|hello|9"
    await deliver(app, update)
    assert alex.last_answer()["text"].startswith("That button doesn't work")


async def test_stickers_photos_and_voice_get_a_kind_answer(app, fake: FakeTelegram) -> None:
    alex = fake.user(505, "Alex")
    await deliver(app, alex.send_command("/start"))
    for send in (alex.send_sticker, alex.send_photo, alex.send_voice):
        await deliver(app, send())
        assert "I can only read text" in alex.last_text()


async def test_unknown_commands_and_very_long_text(app, fake: FakeTelegram) -> None:
    alex = fake.user(506, "Alex")
    await deliver(app, alex.send_command("/dance"))
    assert "I don't know that command" in alex.last_text()
    await deliver(app, alex.send_text("x" * 4096))
    assert "not waiting for an answer" in alex.last_text()


async def test_a_group_of_strangers_is_told_once_what_the_table_needs(
    app, fake: FakeTelegram
) -> None:
    alex = fake.user(507, "Alex")
    group = fake.group(-100777, "Us")
    await deliver(app, group.send_command(alex, "/start"))
    await deliver(app, group.send_command(alex, "/topics"))
    await deliver(app, group.send_command(alex, "/talk"))
    texts = [m.text for m in group.inbox()]
    assert len(texts) == 1 and "Talk Table for two partners linked" in texts[0]


async def test_the_command_menu_is_registered_in_every_language(app, fake: FakeTelegram) -> None:
    english = [c["command"] for c in fake.commands()]
    turkish = fake.commands(language_code="tr")
    assert {"start", "help", "topics", "language"} <= set(english)
    assert [c["command"] for c in turkish] == english
    assert turkish[0]["description"] != fake.commands()[0]["description"]


async def test_a_partner_who_blocked_the_bot_is_marked_inactive(
    app, fake: FakeTelegram, coach
) -> None:
    alex, sam = fake.user(508, "Alex"), fake.user(509, "Sam")
    for user in (alex, sam):
        await deliver(app, user.send_command("/start"))
    await link(coach, Person(508, 508, "Alex"), Person(509, 509, "Sam"))
    fake.block(509)
    await deliver(app, alex.send_command("/topics"))
    await deliver(app, alex.press("○ What closeness means now"))
    while alex.inbox()[-1].keyboard:
        await deliver(app, alex.press(alex.inbox()[-1].button_texts[0]))
    await deliver(app, alex.send_text("a thought"))
    await deliver(app, alex.press("Share with my partner"))
    async with coach.sessions() as session:
        sam_row = (await session.exec(select(User).where(User.id == 509))).one()
    assert sam_row.active is False
    failed = [c for c in fake.sent_to(509, include_failed=True) if not c.ok]
    assert len(failed) == 1 and "a thought" in failed[0].params["text"]
    assert all("a thought" not in (c.params.get("text") or "") for c in fake.sent_to(509))
    await deliver(app, alex.send_command("/help"))  # Alex carries on as normal
    assert "Here's what I can do" in alex.last_text()


async def test_errors_are_answered_kindly_and_the_bot_keeps_running(
    app, fake: FakeTelegram, coach, monkeypatch
) -> None:
    alex = fake.user(510, "Alex")

    async def broken(*args, **kwargs):
        raise RuntimeError("database fell over")

    monkeypatch.setattr(coach, "run_command", broken)
    await deliver(app, alex.send_command("/topics"))
    assert "something went wrong on my side" in alex.last_text()
    monkeypatch.undo()
    await deliver(app, alex.send_command("/help"))
    assert "Here's what I can do" in alex.last_text()


async def test_blocking_the_bot_marks_the_person_inactive_at_once(app, fake, coach) -> None:
    kim = fake.user(511, "Kim")
    await deliver(app, kim.send_command("/start"))
    fake.block(511)
    (update,) = [u for u in fake.pending_updates() if "my_chat_member" in u]
    await deliver(app, update)
    async with coach.sessions() as session:
        assert (await session.get(User, 511)).active is False
    fake.unblock(511)
    await deliver(app, kim.send_command("/help"))
    async with coach.sessions() as session:
        assert (await session.get(User, 511)).active is True


async def test_a_worrying_photo_caption_reaches_the_safety_screen(app, fake) -> None:
    kim = fake.user(512, "Kim")
    await deliver(app, kim.send_command("/start"))
    await deliver(app, kim.send_photo(caption="I want to kill myself"))
    assert "I can only read text" not in kim.last_text()
    assert any("988" in (m.text or "") or "findahelpline" in (m.text or "") for m in kim.inbox())


async def test_a_plain_caption_gets_the_usual_note(app, fake) -> None:
    kim = fake.user(513, "Kim")
    await deliver(app, kim.send_command("/start"))
    await deliver(app, kim.send_photo(caption="us at the beach"))
    assert "I can only read text" in kim.last_text()


async def test_an_edited_message_is_screened_but_changes_no_answer(app, fake) -> None:
    kim = fake.user(514, "Kim")
    await deliver(app, kim.send_command("/start"))
    before = len(kim.inbox())
    sent = kim.send_text("fine thanks")
    fake.consume_update(sent["update_id"])
    edit = {
        "update_id": sent["update_id"] + 50_000,
        "edited_message": dict(sent["message"], text="all fine", edit_date=1),
    }
    await deliver(app, edit)
    assert len(kim.inbox()) == before, "a harmless edit gets no reply"
    worrying = dict(edit, update_id=edit["update_id"] + 1)
    worrying["edited_message"] = dict(edit["edited_message"], text="I want to die")
    await deliver(app, worrying)
    assert len(kim.inbox()) > before


async def test_something_heartfelt_typed_at_a_choice_is_heard_and_the_buttons_come_again(
    app, fake: FakeTelegram
) -> None:
    alex = fake.user(521, "Alex")
    await deliver(app, alex.send_command("/start"))
    await deliver(app, alex.send_text("I'm scared we'll find out we want different things"))
    reply = alex.inbox()[-1]
    assert reply.text.startswith("I hear you") and "Let's get to know" in reply.text
    assert reply.button_texts == ["Sounds good", "How does this work?"]
    await deliver(app, alex.press("Sounds good"))
    assert alex.last_text().startswith("What made you look"), "the dialog stayed where it was"


async def test_someone_forgotten_who_writes_again_is_welcomed(app, fake: FakeTelegram) -> None:
    alex = fake.user(522, "Alex")
    await deliver(app, alex.send_command("/start"))
    await deliver(app, alex.send_command("/forget"))
    await deliver(app, alex.press("Delete everything"))
    await deliver(app, alex.send_text("hi"))
    assert "I'm Attune" in alex.last_text() and "Let's get to know" in alex.last_text()
    assert "not waiting for an answer" not in alex.last_text()
