"""The private question when two people link: asked each alone, once, skippable; a "no"
turns on quiet mode and offers help, and the partner never learns of it."""

from __future__ import annotations

from bot.storage.models import User
from tests.couples.conftest import ALEX, SAM, buttons, link
from tests.support.people import texts, user

QUESTION = "One private question before you start"


def question_of(outs, person) -> str:
    """The question rides on the "you're now linked" message: one message each."""
    [text] = [t for t in texts(outs, person) if QUESTION in t]
    assert "linked" in text
    return text


def data_of(coach, outs, person, key: str) -> str:
    label = coach.content.t(key, person.language_code)
    [data] = [b.data for b in buttons(outs, person) if b.label == label]
    return data


async def test_both_are_asked_alone_when_they_link(coach):
    outs = await link(coach, ALEX, SAM)
    assert "Do you feel safe with Alex?" in question_of(outs, SAM)
    assert "Do you feel safe with Sam?" in question_of(outs, ALEX)
    for person in (ALEX, SAM):
        assert (await user(coach, person)).safety_asked_at is not None


async def test_no_turns_on_quiet_mode_offers_help_and_the_partner_never_knows(coach):
    outs = await link(coach, ALEX, SAM)
    answered = await coach.press(SAM, data_of(coach, outs, SAM, "link_safety_no"))
    [reply] = answered
    assert reply.replace and reply.chat_id == SAM.chat_id, "only Sam sees it"
    assert "findahelpline.com" in reply.text and "quiet mode" in reply.text
    assert (await user(coach, SAM)).quiet
    assert not (await user(coach, ALEX)).quiet
    shared = await coach.text(SAM, "hello")  # anything Sam does next stays with Sam
    assert texts(shared, ALEX) == []


async def test_not_sure_is_heard_like_no(coach):
    outs = await link(coach, ALEX, SAM)
    await coach.press(ALEX, data_of(coach, outs, ALEX, "link_safety_unsure"))
    assert (await user(coach, ALEX)).quiet


async def test_yes_and_skip_change_nothing(coach):
    outs = await link(coach, ALEX, SAM)
    yes = await coach.press(ALEX, data_of(coach, outs, ALEX, "link_safety_yes"))
    skip = await coach.press(SAM, data_of(coach, outs, SAM, "link_safety_skip"))
    assert texts(yes, ALEX) == [coach.content.t("link_safety_thanks", "en")]
    assert texts(skip, SAM) == [coach.content.t("link_safety_skipped", "en")]
    assert texts(yes, SAM) == [] and texts(skip, ALEX) == []
    for person in (ALEX, SAM):
        assert not (await user(coach, person)).quiet


async def test_asked_once_per_link_and_old_buttons_do_nothing_after_a_relink(coach, clock):
    first = await link(coach, ALEX, SAM)
    clock.advance(days=3)
    old_no = data_of(coach, first, ALEX, "link_safety_no")
    couple = (await user(coach, ALEX)).couple_id
    await coach.run_command(ALEX, "unlink")
    await coach.press(ALEX, f"unl|{couple}")
    again = await link(coach, ALEX, SAM)
    assert question_of(again, ALEX), "a new link is a new question"
    stale = await coach.press(ALEX, old_no)
    assert texts(stale, ALEX) == [coach.content.t("link_safety_stale", "en")]
    assert not (await user(coach, ALEX)).quiet


async def test_forged_answers_are_refused(coach):
    await link(coach, ALEX, SAM)
    for data in ("sfl|maybe|1", "sfl|n|x", "sfl|n"):
        assert (await coach.press(ALEX, data))[0].notice
    alex: User = await user(coach, ALEX)
    assert not alex.quiet
