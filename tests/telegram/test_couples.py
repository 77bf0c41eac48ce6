"""Two simulated partners (and a stranger) through the real Application, in-process:
linking by deep link, sharing, unlinking, /forget, /mydata, safety and a blocked partner."""

from __future__ import annotations

import json
import re

from sqlmodel import select

from bot.storage.models import User
from tests.fakes.recording_request import deliver
from tests.fakes.simulated import SimUser
from tests.fakes.telegram_core import BOT_USERNAME, FakeTelegram

LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)")
SECRET = "I worry we are drifting apart and I have not said it"
SHARED = "Cooking together on Sundays"


async def linked(app, fake: FakeTelegram) -> tuple[SimUser, SimUser]:
    alex, sam = fake.user(601, "Alex"), fake.user(602, "Sam", language_code="tr")
    await deliver(app, alex.send_command("/invite"))
    assert alex.last_text().startswith("What name should I use")
    await deliver(app, alex.press("Use “Alex”"))
    code = LINK.search(alex.last_text()).group(1)
    assert f"/start {code}" in alex.last_text()
    await deliver(app, sam.send_command("/start", code))  # what opening the t.me link sends
    await deliver(app, sam.press("“Sam” olsun"))
    assert "Artık Alex ile bağlısın" in sam.last_text()
    assert alex.last_text().startswith("Sam accepted your invite")
    return alex, sam


async def walk_to_question(app, person: SimUser, topic: str) -> None:
    await deliver(app, person.send_command("/topics"))
    await deliver(
        app,
        person.press(next(label for label in person.inbox()[-1].button_texts if topic in label)),
    )
    while person.inbox()[-1].button_texts:
        await deliver(app, person.press(person.inbox()[-1].button_texts[0]))


async def db_user(coach, uid: int) -> User | None:
    async with coach.sessions() as session:
        return (await session.exec(select(User).where(User.id == uid))).first()


async def test_link_and_refuse_a_third_person(app, fake: FakeTelegram, coach) -> None:
    alex, sam = await linked(app, fake)
    heard = len(sam.inbox())
    kim = fake.user(603, "Kim")
    code = LINK.search(next(m.text for m in alex.inbox() if m.text and "t.me" in m.text)).group(1)
    await deliver(app, kim.send_command("/start", code))
    assert "already been used" in kim.last_text()
    assert (await db_user(coach, 603)).couple_id is None
    await deliver(app, alex.send_command("/invite"))
    assert "You're already linked with Sam" in alex.last_text()
    assert len(sam.inbox()) == heard, "Sam heard nothing of it"


async def test_share_and_keep_private(app, fake: FakeTelegram) -> None:
    alex, sam = await linked(app, fake)
    before = len(sam.inbox())
    await walk_to_question(app, alex, "What closeness means now")
    await deliver(app, alex.send_text(SECRET))
    await deliver(app, alex.press("Keep it private"))
    assert len(sam.inbox()) == before
    await walk_to_question(app, alex, "Me, you and us")
    await deliver(app, alex.send_text(SHARED))
    await deliver(app, alex.press("Share with my partner"))
    assert len(sam.inbox()) == before + 1
    assert SHARED in sam.last_text() and sam.last_text().startswith("Alex")
    assert all(SECRET not in (m.text or "") for m in sam.inbox(include_deleted=True))


async def test_unlink_with_confirmation(app, fake: FakeTelegram, coach) -> None:
    alex, sam = await linked(app, fake)
    await deliver(app, alex.send_command("/unlink"))
    assert alex.inbox()[-1].button_texts == ["Yes, end the link", "Keep the link"]
    await deliver(app, alex.press("Yes, end the link"))
    assert alex.inbox()[-1].edited and "has ended" in alex.last_text()
    assert sam.last_text().startswith("Alex ile bağlantın sona erdi")
    assert (await db_user(coach, 601)).couple_id is None


async def test_mydata_sends_a_json_document(app, fake: FakeTelegram) -> None:
    alex, _ = await linked(app, fake)
    await deliver(app, alex.send_command("/mydata"))
    message = alex.inbox()[-1]
    assert message.kind == "document" and message.document["file_name"].endswith(".json")
    data = json.loads(fake.files[message.document["file_id"]].data)
    assert data["tables"]["users"][0]["display_name"] == "Alex"


async def test_forget_tells_the_partner_only_that_the_link_ended(app, fake, coach) -> None:
    alex, sam = await linked(app, fake)
    await deliver(app, alex.send_command("/forget"))
    await deliver(app, alex.press("Delete everything"))
    assert "everything about you has been deleted" in alex.last_text()
    assert sam.last_text() == coach.content.t("link_ended", "tr", partner="Alex")
    assert await db_user(coach, 601) is None


async def test_a_safety_signal_is_answered_privately(app, fake: FakeTelegram, coach) -> None:
    alex, sam = await linked(app, fake)
    before, alex_before = len(sam.inbox()), len(alex.inbox())
    await deliver(app, sam.send_text("Beni dövüyor, çok korkuyorum"))
    assert sam.last_text().startswith(coach.content.t("safety_reply", "tr"))
    assert "112" in sam.last_text()
    await deliver(app, sam.press("Şu an güvendeyim"))
    assert len(sam.inbox()) == before + 2
    assert len(alex.inbox()) == alex_before, "nothing goes to Alex"
    assert (await db_user(coach, 602)).nudges_paused_until is not None


async def test_a_partner_who_blocked_the_bot_is_marked_inactive_and_then_skipped(
    app, fake: FakeTelegram, coach
) -> None:
    alex, sam = await linked(app, fake)
    sam.block()
    await walk_to_question(app, alex, "What closeness means now")
    await deliver(app, alex.send_text(SHARED))
    await deliver(app, alex.press("Share with my partner"))
    failed = [c for c in fake.sent_to(602, include_failed=True) if not c.ok]
    assert len(failed) == 1 and failed[0].error.code == 403
    assert (await db_user(coach, 602)).active is False

    attempts = len(fake.sent_to(602, include_failed=True))
    await walk_to_question(app, alex, "Me, you and us")
    await deliver(app, alex.send_text("Another answer"))
    await deliver(app, alex.press("Share with my partner"))
    assert len(fake.sent_to(602, include_failed=True)) == attempts, "not attempted again"
    unavailable = coach.content.t("partner_unavailable", "en")
    assert any(m.text == unavailable and m.edited for m in alex.inbox())

    await deliver(app, sam.send_command("/help"))  # Sam comes back
    assert (await db_user(coach, 602)).active is True


async def test_blocking_the_bot_marks_the_person_inactive_at_once(app, fake, coach) -> None:
    alex, sam = await linked(app, fake)
    sam.block()
    [blocked] = [u for u in fake.pending_updates() if "my_chat_member" in u]
    await deliver(app, blocked)
    assert (await db_user(coach, 602)).active is False
    attempts = len(fake.sent_to(602, include_failed=True))
    await walk_to_question(app, alex, "What closeness means now")
    await deliver(app, alex.send_text(SHARED))
    await deliver(app, alex.press("Share with my partner"))
    assert len(fake.sent_to(602, include_failed=True)) == attempts, "never attempted"
    unavailable = coach.content.t("partner_unavailable", "en")
    assert any(m.text == unavailable and m.edited for m in alex.inbox())


async def test_a_long_shared_answer_arrives_whole_split_between_words_and_the_writer_knows(
    app, fake: FakeTelegram
) -> None:
    alex, sam = await linked(app, fake)
    before = len(sam.inbox())
    words = [f"word{i:04d}" for i in range(560)]
    long_answer = " ".join(words)  # about 5,000 characters
    await walk_to_question(app, alex, "Me, you and us")
    await deliver(app, alex.send_text(long_answer))
    await deliver(app, alex.press("Share with my partner"))
    parts = [m.text for m in sam.inbox()[before:]]
    assert len(parts) == 2 and all(len(p) <= 4096 for p in parts)
    assert parts[0].endswith("(1/2)") and parts[1].endswith("(2/2)")
    received = " ".join(p.rsplit(" (", 1)[0] for p in parts).split()
    assert [w for w in received if w.startswith("word")] == words, "no word cut or lost"
    assert any("2 messages" in m.text for m in alex.inbox()), "the writer is told"
