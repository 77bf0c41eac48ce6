"""Privacy: answers are private unless shared; /mydata and /forget.

The strongest test here drives every command and every button the partner could
use (and every command of the author) and proves a private answer never reaches
the partner's chat, as text or inside a file.
"""

from __future__ import annotations

import json

from sqlmodel import select

from bot.couples import export
from bot.couples.privacy import CONFIRM_FOR
from bot.engine import callbacks
from bot.storage.models import Reflection, User
from bot.turn import Outbound, Person
from tests.couples.conftest import ALEX, KIM, SAM, answer, link
from tests.support.people import texts, to, update_user, user

SECRET = "I feel lonely when you work late and I have never told you"
SHARED = "A walk after dinner helps us talk"
PRIVATE_TOPIC, SHARED_TOPIC = "redefining", "autonomy"


def leaked(outs: list[Outbound], person: Person, secret: str) -> list[str]:
    found = []
    for out in to(outs, person):
        content = out.attachment.content.decode() if out.attachment else ""
        if (
            secret in out.text
            or secret in content
            or secret in getattr(out.attachment, "caption", "")
        ):
            found.append(out.text or content[:80])
    return found


async def test_an_answer_kept_private_never_reaches_the_partner(coach):
    await link(coach, ALEX, SAM)
    outs = await answer(coach, ALEX, SECRET, PRIVATE_TOPIC)
    assert texts(outs, ALEX)[0].endswith(coach.content.t("share_question", "en"))
    outs += await coach.press(ALEX, callbacks.Share(PRIVATE_TOPIC, "familiar", False).pack())
    assert texts(outs, SAM) == []
    async with coach.sessions() as session:
        stored = (await session.exec(select(Reflection))).one()
    assert stored.text == SECRET and not stored.shared


async def test_a_shared_answer_reaches_the_partner_marked_as_shared(coach):
    await link(coach, ALEX, SAM)
    outs = await answer(coach, ALEX, SHARED, SHARED_TOPIC, share=True)
    title = coach.content.title(SHARED_TOPIC, "en")
    assert texts(outs, SAM) == [
        coach.content.t("partner_shared", "en", name="Alex", title=title, text=SHARED)
    ]
    async with coach.sessions() as session:
        assert (await session.exec(select(Reflection))).one().shared


async def test_sharing_twice_sends_once(coach):
    await link(coach, ALEX, SAM)
    outs = await answer(coach, ALEX, SHARED, SHARED_TOPIC, share=True)
    outs += await coach.press(ALEX, callbacks.Share(SHARED_TOPIC, "own_thing", True).pack())
    assert len(texts(outs, SAM)) == 1


async def test_a_shared_answer_reaches_the_partner_in_the_partners_language(coach):
    await link(coach, ALEX, KIM)
    outs = await answer(coach, ALEX, SHARED, SHARED_TOPIC, share=True)
    title = coach.content.title(SHARED_TOPIC, "tr")
    [shared] = to(outs, KIM)
    assert shared.text == coach.content.t(
        "partner_shared", "tr", name="Alex", title=title, text=SHARED
    )
    async with coach.sessions() as session:
        reflection = (await session.exec(select(Reflection))).one()
    about = {"dialog": SHARED_TOPIC, "reflection": reflection.id}
    assert json.loads(shared.about) == about, "named if it cannot be delivered"


async def test_no_command_or_button_ever_shows_the_partner_a_private_answer(coach):
    seen = await link(coach, ALEX, SAM)
    seen += await answer(coach, ALEX, SECRET, PRIVATE_TOPIC, share=False)
    seen += await answer(coach, ALEX, SHARED, SHARED_TOPIC, share=True)
    assert any(SHARED in o.text for o in to(seen, SAM)), "sharing does work"
    for person in (SAM, ALEX):
        for name in list(coach.commands):
            if name == "forget":
                continue  # pressing its button ends the test's couple; done last
            for args in ((), ("x",), ("redefining",)):
                seen += await coach.run_command(person, name, args)
    # Sam presses every button he was ever shown, and forged ones aimed at Alex's answer.
    buttons = {b.data for o in to(seen, SAM) for row in o.keyboard for b in row}
    forged = {
        callbacks.Share(PRIVATE_TOPIC, "familiar", True).pack(),
        callbacks.Nav(PRIVATE_TOPIC, "familiar", 0).pack(),
        callbacks.Topic(PRIVATE_TOPIC).pack(),
        "nm|use",
        "sfe|yes",
    }
    for data in sorted(buttons | forged):
        seen += await coach.press(SAM, data)
    for data in sorted(buttons):
        if not data.startswith(("unl|", "fgt|")):
            seen += await coach.press(SAM, data)
    # Sam's own data export holds Sam's rows only.
    seen += await coach.run_command(SAM, "mydata")
    # Finally Sam forgets everything (the partner side of /forget), then Alex does.
    seen += await coach.run_command(SAM, "forget")
    seen += await coach.press(SAM, f"fgt|{int(coach.clock().timestamp())}")
    seen += await coach.press(ALEX, f"fgt|{int(coach.clock().timestamp())}")

    assert leaked(seen, SAM, SECRET) == []
    assert any(o.attachment for o in to(seen, SAM)), "the export really was produced"


async def test_a_share_for_a_partner_who_blocked_the_bot_is_not_attempted(coach):
    await link(coach, ALEX, SAM)
    await coach.mark_unreachable(SAM.user_id)
    outs = await answer(coach, ALEX, SHARED, SHARED_TOPIC, share=True)
    assert texts(outs, SAM) == []
    assert coach.content.t("partner_unavailable", "en") in texts(outs, ALEX)
    async with coach.sessions() as session:
        assert not (await session.exec(select(Reflection))).one().shared


# -- /mydata ----------------------------------------------------------------------------


def exported(outs: list[Outbound]) -> dict:
    [out] = [o for o in outs if o.attachment is not None]
    assert out.attachment.filename.endswith(".json")
    return json.loads(out.attachment.content)


async def test_mydata_sends_a_json_file_of_everything_about_the_person(coach):
    await link(coach, ALEX, SAM)
    await answer(coach, ALEX, SECRET, PRIVATE_TOPIC, share=False)
    await answer(coach, SAM, "Sam's own private answer", PRIVATE_TOPIC)
    outs = await coach.run_command(ALEX, "mydata")
    assert [o.chat_id for o in outs] == [ALEX.chat_id]
    assert outs[0].attachment.caption == coach.content.t("mydata_caption", "en")
    data = exported(outs)
    tables = data["tables"]
    assert tables["users"][0]["id"] == ALEX.user_id
    assert tables["users"][0]["display_name"] == "Alex"
    assert tables["couples"][0]["id"] == tables["users"][0]["couple_id"]
    assert [r["text"] for r in tables["reflections"]] == [SECRET]
    assert {"dialog_sessions", "dialog_progress", "invites"} <= tables.keys()
    assert "Sam's own private answer" not in json.dumps(data)
    for rows in tables.values():
        for row in rows:
            assert row.get("user_id", ALEX.user_id) == ALEX.user_id


async def test_mydata_for_a_newcomer_is_small_but_complete(coach):
    data = exported(await coach.run_command(KIM, "mydata"))
    assert data["tables"]["users"][0]["lang"] == "tr"
    assert "couples" not in data["tables"]


# -- /forget ----------------------------------------------------------------------------


async def all_rows_of(coach, person: Person) -> dict[str, int]:
    async with coach.sessions() as session:
        data = await export.collect(session, person.user_id)
    return {table: len(rows) for table, rows in data.items()}


async def test_forget_asks_first_and_keep_deletes_nothing(coach):
    await link(coach, ALEX, SAM)
    outs = await coach.run_command(ALEX, "forget")
    assert outs[0].text == coach.content.t("forget_confirm", "en")
    assert [b.data for b in outs[0].keyboard[0]][1] == "fgt|keep"
    before = await all_rows_of(coach, ALEX)
    outs = await coach.press(ALEX, "fgt|keep")
    assert texts(outs, ALEX) == [coach.content.t("forget_kept", "en")]
    assert await all_rows_of(coach, ALEX) == before


async def test_forget_names_both_choices_and_each_answer_takes_the_buttons_away(coach, clock):
    """The answer replaces the question, so its "Yes, delete" button cannot be tapped again."""
    outs = await coach.run_command(ALEX, "forget")
    assert [b.label for b in outs[0].keyboard[0]] == [
        coach.content.t("forget_yes", "en"),
        coach.content.t("forget_no", "en"),
    ]
    [kept] = await coach.press(ALEX, "fgt|keep")
    assert kept.replace and kept.keyboard == ()
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    clock.advance(seconds=CONFIRM_FOR.total_seconds() + 1)
    [expired] = await coach.press(ALEX, confirm)
    assert expired.replace and expired.keyboard == ()
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    [done] = await coach.press(ALEX, confirm)
    assert done.text == coach.content.t("forget_done", "en")
    assert done.replace and done.keyboard == ()


async def test_a_forget_confirmation_is_good_for_its_whole_quarter_hour(coach, clock):
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    clock.advance(seconds=CONFIRM_FOR.total_seconds())
    outs = await coach.press(ALEX, confirm)
    assert texts(outs, ALEX) == [coach.content.t("forget_done", "en")]


async def test_an_old_forget_confirmation_deletes_nothing(coach, clock):
    outs = await coach.run_command(ALEX, "forget")
    confirm = outs[0].keyboard[0][0].data
    clock.advance(seconds=CONFIRM_FOR.total_seconds() + 1)
    outs = await coach.press(ALEX, confirm)
    assert texts(outs, ALEX) == [coach.content.t("forget_expired", "en")]
    assert (await user(coach, ALEX)).id == ALEX.user_id


async def test_forget_deletes_every_row_and_the_partner_learns_only_that_the_link_ended(coach):
    await link(coach, ALEX, SAM)
    await answer(coach, ALEX, SECRET, PRIVATE_TOPIC, share=False)
    await answer(coach, SAM, "Sam's answer", PRIVATE_TOPIC, share=False)
    sam_before = await all_rows_of(coach, SAM)
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data

    outs = await coach.press(ALEX, confirm)

    assert texts(outs, ALEX) == [coach.content.t("forget_done", "en")]
    assert texts(outs, SAM) == [coach.content.t("link_ended", "en", partner="Alex")]
    async with coach.sessions() as session:
        assert await session.get(User, ALEX.user_id) is None
        for table, columns in export.personal_tables():
            for column in columns:
                rows = (await session.exec(select(table).where(column == ALEX.user_id))).all()
                assert rows == [], f"{table.name} still has rows about Alex"
        sam = await session.get(User, SAM.user_id)
        assert sam is not None and sam.couple_id is None
    sam_after = await all_rows_of(coach, SAM)
    assert sam_after.pop("couples", None) is None and sam_before.pop("couples") == 1
    assert sam_after == sam_before, "Sam's own data is untouched"


async def test_in_quiet_mode_forget_still_tells_the_partner_only_that_the_link_ended(coach):
    """Quiet mode holds a person's words, not the fact that the link ended (both share it)."""
    await link(coach, ALEX, SAM)
    await update_user(coach, ALEX, quiet=True)
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    outs = await coach.press(ALEX, confirm)
    assert texts(outs, SAM) == [coach.content.t("link_ended", "en", partner="Alex")]
    assert texts(outs, ALEX) == [coach.content.t("forget_done", "en")]


async def test_forget_is_logged_by_number_never_by_name(coach, caplog):
    await link(coach, ALEX, SAM)
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    with caplog.at_level("INFO", logger="bot.couples.privacy"):
        await coach.press(ALEX, confirm)
    [line] = [r.getMessage() for r in caplog.records if r.name == "bot.couples.privacy"]
    assert str(ALEX.user_id) in line and "deleted everything" in line
    assert "Alex" not in line


async def test_after_forget_the_person_starts_fresh(coach):
    await link(coach, ALEX, SAM)
    confirm = (await coach.run_command(ALEX, "forget"))[0].keyboard[0][0].data
    await coach.press(ALEX, confirm)
    await coach.run_command(ALEX, "start")
    fresh = await user(coach, ALEX)
    assert fresh.display_name is None and fresh.couple_id is None
