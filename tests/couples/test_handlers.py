"""Linking two partners through the coach: /invite, the deep link, names, refusals, /unlink."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.couples.invites import MAX_FAILED_ATTEMPTS, new_code
from bot.couples.models import Invite
from bot.storage.models import Couple, Reflection, User, WaitingInput
from bot.turn import Person
from tests.couples.conftest import (
    ALEX,
    BOT_USERNAME,
    KIM,
    SAM,
    code_in,
    invite,
    join,
    link,
    name_yourself,
    news,
)
from tests.support.people import texts, user


async def rows(coach, model):
    async with coach.sessions() as session:
        return list((await session.exec(select(model))).all())


# -- /invite --------------------------------------------------------------------------


async def test_invite_asks_for_a_name_once_then_gives_a_deep_link_and_the_code(coach):
    outs = await coach.run_command(ALEX, "invite")
    assert texts(outs, ALEX) == [coach.content.t("name_ask", "en")]
    assert [b.label for b in outs[0].keyboard[0]] == ["Use “Alex”"]

    outs = await coach.text(ALEX, "  Alex   the Great ")
    assert "Alex the Great" in outs[0].text
    code = code_in(outs)
    assert f"https://t.me/{BOT_USERNAME}?start={code}" in outs[-1].text
    assert f"/start {code}" in outs[-1].text, "the code itself, to type or forward"
    assert (await user(coach, ALEX)).display_name == "Alex the Great"

    outs = await coach.run_command(ALEX, "invite")
    assert len(outs) == 1 and code_in(outs) != code, "no second name question"


async def test_without_a_bot_username_the_invite_is_the_code_alone(coach):
    coach.bot_username = None  # the terminal chat
    await name_yourself(coach, ALEX)
    outs = await coach.run_command(ALEX, "invite")
    assert "t.me" not in outs[0].text and code_in(outs)


async def test_invalid_names_are_refused_kindly_and_asked_again(coach):
    await coach.run_command(ALEX, "invite")
    for bad in ["   ", "1234", "x" * 33, "\u200b\u200b"]:
        outs = await coach.text(ALEX, bad)
        assert texts(outs, ALEX) == [coach.content.t("name_invalid", "en")]
    assert (await user(coach, ALEX)).display_name is None
    outs = await coach.text(ALEX, "Al")
    assert code_in(outs)


async def test_a_name_prompt_goes_stale_when_the_person_moves_on(coach, clock):
    await coach.run_command(ALEX, "start")  # the welcome dialog is open
    await coach.run_command(ALEX, "invite")
    clock.advance(seconds=5)
    await coach.press(ALEX, "n|welcome|hello|0")  # carries on in the dialog instead
    clock.advance(seconds=5)
    outs = await coach.text(ALEX, "Because we argue a lot")  # the dialog question's answer
    assert (await user(coach, ALEX)).display_name is None
    assert not any("Thanks, Because" in o.text for o in outs)
    assert await rows(coach, WaitingInput) == []
    reflections = await rows(coach, Reflection)
    assert [r.text for r in reflections] == ["Because we argue a lot"]


async def test_a_name_prompt_expires_after_an_hour(coach, clock):
    await coach.run_command(ALEX, "invite")
    clock.advance(hours=1, seconds=1)
    outs = await coach.text(ALEX, "Alex")
    assert (await user(coach, ALEX)).display_name is None
    assert texts(outs, ALEX) == [coach.content.t("not_expecting_text", "en")]


async def test_the_name_can_be_changed_in_settings(coach):
    await link(coach, ALEX, SAM)
    outs = await coach.run_command(ALEX, "settings")
    assert "set|name" in [b.data for row in outs[0].keyboard for b in row]
    outs = await coach.press(ALEX, "set|name")
    assert texts(outs, ALEX) == [coach.content.t("name_change_ask", "en", name="Alex")]
    outs = await coach.text(ALEX, "Lex")
    assert texts(outs, ALEX) == ["Thanks, Lex! That's the name your partner will see."]
    assert texts(outs, SAM) == []
    outs = await coach.run_command(SAM, "unlink")
    assert "Lex" in outs[0].text


async def test_name_button_without_a_question_is_a_kind_notice(coach):
    outs = await coach.press(ALEX, "nm|use")
    assert outs[0].notice and "not waiting for a name" in outs[0].text
    outs = await coach.press(ALEX, "nm|bogus")
    assert outs[0].notice


async def test_a_linked_person_cannot_invite_a_third(coach):
    await link(coach, ALEX, SAM)
    before = await rows(coach, Invite)
    outs = await coach.run_command(ALEX, "invite")
    assert texts(outs, ALEX) == [
        coach.content.t("invite_already_linked", "en", partner="Sam"),
    ]
    assert await rows(coach, Invite) == before, "no new invite"


# -- joining --------------------------------------------------------------------------


async def test_opening_the_link_links_both_and_tells_each_with_the_chosen_names(coach):
    await name_yourself(coach, ALEX, "Alexandra")
    code = await invite(coach, ALEX)
    outs = await coach.run_command(SAM, "start", (code,))
    assert "Attune" in outs[0].text, "a newcomer is greeted first"
    assert any("not therapy or emergency care" in t for t in texts(outs, SAM))
    assert texts(outs, ALEX) == [], "nothing happens before Sam has chosen a name"
    outs = await coach.text(SAM, "Sammy")
    assert "You're now linked with Alexandra!" in texts(outs, SAM)[-1]
    assert news(outs, ALEX) == [
        coach.content.t("linked_inviter", "en", partner="Sammy"),
    ]
    a, s = await user(coach, ALEX), await user(coach, SAM)
    assert a.couple_id == s.couple_id is not None
    assert len(await rows(coach, Couple)) == 1


async def test_each_partner_is_told_in_their_own_language(coach):
    await name_yourself(coach, KIM, "Kim")
    await name_yourself(coach, ALEX)
    code = await invite(coach, KIM)
    outs = await coach.run_command(ALEX, "start", (code,))
    assert news(outs, KIM) == [coach.content.t("linked_inviter", "tr", partner="Alex")]
    assert news(outs, ALEX)[-1] == coach.content.t("linked_joiner", "en", partner="Kim")


async def refused(coach, person: Person, code: str, key: str, **values) -> None:
    """The attempt is refused with `key`, and nobody's couple changes."""
    before = await couples(coach)
    outs = await coach.run_command(person, "start", (code,))
    assert texts(outs, person)[-1] == coach.content.t(key, person.language_code, **values)
    assert all(o.chat_id == person.chat_id for o in outs), "nobody else hears of it"
    assert await couples(coach) == before


async def couples(coach) -> dict[int, int | None]:
    return {u.id: u.couple_id for u in await rows(coach, User)}


async def test_an_unknown_code_is_refused(coach):
    await name_yourself(coach, ALEX)
    await name_yourself(coach, SAM)
    await refused(coach, SAM, new_code(), "join_unknown")


async def test_an_expired_code_is_refused(coach, clock):
    await name_yourself(coach, SAM)
    code = await invite(coach, ALEX)
    clock.advance(hours=48)
    await refused(coach, SAM, code, "join_expired")


async def test_a_code_works_a_moment_before_it_expires(coach, clock):
    code = await invite(coach, ALEX)
    clock.advance(hours=47, minutes=59)
    await join(coach, SAM, code)
    assert (await user(coach, SAM)).couple_id is not None


async def test_a_used_code_is_refused_to_a_third_person(coach):
    code = await invite(coach, ALEX)
    await join(coach, SAM, code)
    await name_yourself(coach, KIM)
    outs = await coach.run_command(KIM, "start", (code,))
    assert texts(outs, KIM)[-1] == coach.content.t("join_used", "tr")
    assert [o.chat_id for o in outs] == [KIM.chat_id]
    assert (await user(coach, KIM)).couple_id is None


async def test_a_third_person_cannot_join_a_couple_of_two(coach):
    stale = await invite(coach, ALEX)  # Alex's invite is still open...
    await name_yourself(coach, SAM)
    await join(coach, ALEX, await invite(coach, SAM))  # ...when Alex joins Sam instead
    await name_yourself(coach, KIM)
    outs = await coach.run_command(KIM, "start", (stale,))
    # Joining revoked Alex's open invite, so it is simply unknown now.
    assert texts(outs, KIM)[-1] == coach.content.t("join_unknown", "tr")
    assert (await user(coach, KIM)).couple_id is None


async def test_the_couple_full_rule_holds_even_for_an_unrevoked_invite(coach, clock):
    """Belt and braces: an open invite of someone already linked never adds a third person."""
    from bot.couples import invites as invite_store

    await link(coach, ALEX, SAM)
    async with coach.sessions() as session, session.begin():
        code = new_code()
        session.add(
            Invite(
                user_id=ALEX.user_id,
                code_hash=invite_store.hash_code(code),
                created_at=clock(),
                expires_at=clock() + invite_store.INVITE_TTL,
            )
        )
    await name_yourself(coach, KIM)
    await refused(coach, KIM, code, "join_couple_full")
    assert (await user(coach, KIM)).couple_id is None


async def test_your_own_code_is_refused(coach):
    code = await invite(coach, ALEX)
    await refused(coach, ALEX, code, "join_own")


async def test_someone_in_a_couple_must_unlink_before_joining_another(coach):
    await link(coach, ALEX, SAM)
    code = await invite(coach, KIM)
    await refused(coach, SAM, code, "join_already_linked", partner="Alex")


async def test_opening_the_link_twice_is_harmless(coach):
    code = await invite(coach, ALEX)
    await join(coach, SAM, code)
    outs = await coach.run_command(SAM, "start", (code,))
    assert texts(outs, ALEX) == [], "no second notice"
    assert texts(outs, SAM)[-1] == coach.content.t("join_already_together", "en")


async def test_joining_says_why_not_for_one_s_own_a_missing_or_an_already_used_invite(coach):
    from bot.couples import invites, linking
    from bot.couples.linking import JoinOutcome

    code = await invite(coach, ALEX)
    now = coach.clock()
    async with coach.sessions() as session, session.begin():
        found = await invites.find(session, code)
        assert found is not None and found.id is not None
        invite_id = found.id
        own = await linking.join(session, ALEX.user_id, invite_id, now)
        nowhere = await linking.join(session, ALEX.user_id, invite_id + 999, now)
        nobody = await linking.join(session, 424242, invite_id, now)  # no such person
    assert (own.outcome, nowhere.outcome, nobody.outcome) == (
        JoinOutcome.OWN,
        JoinOutcome.UNKNOWN,
        JoinOutcome.UNKNOWN,
    )
    await join(coach, SAM, code)
    async with coach.sessions() as session, session.begin():
        again = await linking.join(session, SAM.user_id, invite_id, now)  # a double tap
    assert again.outcome is JoinOutcome.ALREADY_TOGETHER
    assert again.partner is not None and again.partner.id == ALEX.user_id


async def test_ending_a_link_for_someone_unknown_or_unlinked_ends_nothing(coach):
    from bot.couples.linking import unlink

    await link(coach, ALEX, SAM)
    async with coach.sessions() as session, session.begin():
        assert (await unlink(session, 424242)).ended is False, "nobody by that id"
        assert (await unlink(session, KIM.user_id)).ended is False
        assert (await unlink(session, ALEX.user_id, couple_id=999)).ended is False, "stale"
    assert (await user(coach, ALEX)).couple_id is not None


async def test_guessing_codes_is_stopped_after_a_few_tries(coach):
    code = await invite(coach, ALEX)
    await name_yourself(coach, SAM)
    for _ in range(MAX_FAILED_ATTEMPTS):
        await refused(coach, SAM, new_code(), "join_unknown")
    await refused(coach, SAM, code, "join_rate_limited")


async def test_a_code_whose_owner_made_a_new_one_while_the_joiner_named_themselves(coach):
    code = await invite(coach, ALEX)
    outs = await coach.run_command(SAM, "start", (code,))
    assert texts(outs, SAM)[-1].endswith(coach.content.t("name_ask", "en"))
    await invite(coach, ALEX)  # Alex makes a fresh link meanwhile
    outs = await coach.text(SAM, "Sam")
    assert texts(outs, SAM)[-1].endswith(coach.content.t("join_unknown", "en"))
    assert texts(outs, ALEX) == []


async def test_a_code_that_expired_while_the_joiner_named_themselves(coach, clock):
    code = await invite(coach, ALEX)
    clock.advance(hours=47, minutes=59)
    outs = await coach.run_command(SAM, "start", (code,))
    assert texts(outs, SAM)[-1].endswith(coach.content.t("name_ask", "en"))
    clock.advance(minutes=2)  # the invite's 48 hours are over; the name question is not
    outs = await coach.text(SAM, "Sam")
    assert texts(outs, SAM)[-1].endswith(coach.content.t("join_expired", "en"))
    assert texts(outs, ALEX) == []
    assert (await user(coach, SAM)).couple_id is None


# -- /unlink --------------------------------------------------------------------------


async def test_unlink_asks_first_and_keep_changes_nothing(coach):
    await link(coach, ALEX, SAM)
    outs = await coach.run_command(ALEX, "unlink")
    assert "Sam" in outs[0].text
    couple_id = (await user(coach, ALEX)).couple_id
    assert [b.data for b in outs[0].keyboard[0]] == [f"unl|{couple_id}", "unl|keep"]
    outs = await coach.press(ALEX, "unl|keep")
    assert outs[0].replace and texts(outs, SAM) == []
    assert (await user(coach, ALEX)).couple_id == couple_id


@pytest.mark.parametrize("ender", ["Alex", "Sam"])  # the lower and the higher user id
async def test_unlink_ends_the_couple_and_tells_both_in_neutral_words(coach, ender):
    await link(coach, ALEX, SAM)
    me, other = (ALEX, SAM) if ender == "Alex" else (SAM, ALEX)
    couple_id = (await user(coach, ALEX)).couple_id
    outs = await coach.press(me, f"unl|{couple_id}")
    ended = coach.content.t("link_ended", "en", partner=other.first_name)
    assert texts(outs, me) == [ended]
    assert texts(outs, other) == [coach.content.t("link_ended", "en", partner=me.first_name)]
    assert (await user(coach, ALEX)).couple_id is None
    assert (await user(coach, SAM)).couple_id is None
    again = await coach.press(other, f"unl|{couple_id}")  # an old confirmation, or a double tap
    assert texts(again, other) == [coach.content.t("unlink_stale", "en")]
    assert texts(again, me) == []


async def test_after_unlinking_each_keeps_their_own_answers(coach):
    await link(coach, ALEX, SAM)
    async with coach.sessions() as session, session.begin():
        for person in (ALEX, SAM):
            session.add(
                Reflection(
                    user_id=person.user_id,
                    couple_id=(await session.get_one(User, person.user_id)).couple_id,
                    dialog="redefining",
                    node="q",
                    key="k",
                    text=f"{person.first_name}'s answer",
                    created_at=coach.clock(),
                )
            )
    couple_id = (await user(coach, ALEX)).couple_id
    await coach.press(ALEX, f"unl|{couple_id}")
    kept = {(r.user_id, r.text) for r in await rows(coach, Reflection)}
    assert kept == {(ALEX.user_id, "Alex's answer"), (SAM.user_id, "Sam's answer")}


async def test_unlink_when_not_linked_says_so(coach):
    outs = await coach.run_command(ALEX, "unlink")
    assert texts(outs, ALEX) == [coach.content.t("unlink_not_linked", "en")]
    outs = await coach.press(ALEX, "unl|nonsense")
    assert outs[0].notice


async def test_a_stale_unlink_button_from_an_earlier_couple_does_not_end_a_new_one(coach):
    await link(coach, ALEX, SAM)
    old = (await user(coach, ALEX)).couple_id
    await coach.press(ALEX, f"unl|{old}")
    await link(coach, ALEX, KIM)
    outs = await coach.press(ALEX, f"unl|{old}")
    assert texts(outs, ALEX) == [coach.content.t("unlink_stale", "en")]
    assert (await user(coach, ALEX)).couple_id == (await user(coach, KIM)).couple_id is not None


async def test_partners_can_relink_after_unlinking(coach):
    await link(coach, ALEX, SAM)
    await coach.press(ALEX, f"unl|{(await user(coach, ALEX)).couple_id}")
    outs = await link(coach, SAM, ALEX)
    assert news(outs, SAM) == [coach.content.t("linked_inviter", "en", partner="Alex")]


async def test_other_deep_links_get_the_normal_welcome_and_are_not_guesses(coach) -> None:
    from tests.support.people import KIM as NEWCOMER

    for _ in range(6):
        outs = await coach.run_command(NEWCOMER, "start", ("ads",))
    said = [o.text for o in outs]
    assert any("not therapy or emergency care" in t for t in said)
    assert not any("invite" in t.lower() for t in said)
    async with coach.sessions() as session:
        from bot.couples import invites

        assert await invites.failed_attempts(session, NEWCOMER.user_id, coach.clock()) == 0


async def test_a_long_answer_typed_at_a_question_is_not_taken_for_a_name(coach):
    """The name question from /settings is open, but the person answers the dialog."""
    from sqlmodel import select

    from bot.couples import naming
    from bot.engine import callbacks
    from bot.storage.models import Reflection

    await name_yourself(coach, ALEX)
    outs = await coach.press(ALEX, callbacks.Topic("redefining").pack())
    while labels := [b.data for o in outs for row in o.keyboard for b in row]:
        outs = await coach.press(ALEX, labels[0])  # on to the first free-text question
    await coach.for_user(ALEX.user_id, lambda turn: naming.ask(turn, naming.SETTINGS))
    answer = "I think we stopped asking each other real questions a while ago."
    await coach.text(ALEX, answer)
    assert (await user(coach, ALEX)).display_name == "Alex"
    async with coach.sessions() as session:
        stored = [r.text for r in (await session.exec(select(Reflection))).all()]
    assert stored == [answer]
