"""The answer to a worrying message: it fits the need, has a next step for every reply,
tells the partner nothing, and gives a misread message back."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from bot.safety.care import Care, group_of
from bot.safety.models import SafetyHold
from bot.safety.screen import Reading
from bot.storage import repo
from bot.storage.models import Reflection, User
from bot.turn import Outbound
from tests.couples.conftest import ALEX, KIM, SAM, buttons, link, walk_to_question
from tests.support.people import texts, user

SELF_HARM = "Honestly I want to die"
ABUSE = "he pushed me against the wall last night"
USES = "I hit my wife last night"
FALSE_ALARM = "He kills me with his puns, I laughed all evening"
"""An idiom the screen misreads as a threat (a false alarm to take back)."""


async def at_question(coach, person):
    await walk_to_question(coach, person, "redefining")


def labels(outs: list[Outbound], person) -> list[str]:
    return [b.label for b in buttons(outs, person)]


def data_of(coach, outs, person, key: str) -> str:
    label = coach.content.t(key, person.language_code)
    [data] = [b.data for b in buttons(outs, person) if b.label == label]
    return data


async def linked_in_britain(coach) -> None:
    """Alex linked with Sam, having chosen the United Kingdom (its lines are named)."""
    await link(coach, ALEX, SAM)
    await coach.run_command(ALEX, "settings")
    await coach.press(ALEX, "sfc|GB|x")


async def assert_both_answers(coach, outs: list[Outbound]) -> None:
    """Alex alone got the self-harm answer first, with everything abuse needs besides:
    the domestic abuse line, quiet mode turned on, the privacy steps."""
    t = coach.content.t
    assert texts(outs, SAM) == []
    [reply] = outs
    assert reply.text.startswith(t("safety_self_harm", "en"))
    assert "116 123" in reply.text, "the crisis line"
    assert "0808 2000 247" in reply.text, "and the domestic abuse line"
    assert t("safety_quiet_turned_on", "en") in reply.text
    assert (await user(coach, ALEX)).quiet
    assert t("safety_privacy_button", "en") in labels(outs, ALEX)


def test_the_screen_runs_before_every_other_text_handler(coach):
    (screen,) = coach.safety_screens  # read before any text screen, captions and edits too
    assert isinstance(screen.__self__, Care) and screen.__name__ == "screen"


async def test_self_harm_gets_crisis_lines_and_are_you_safe(coach, clock, caplog):
    await link(coach, ALEX, SAM)
    await at_question(coach, ALEX)
    with caplog.at_level(logging.INFO):
        outs = await coach.text(ALEX, SELF_HARM)

    assert texts(outs, SAM) == []
    [reply] = outs
    t = coach.content.t
    assert reply.text.startswith(t("safety_self_harm", "en"))
    assert "https://findahelpline.com" in reply.text
    assert t("safety_ask_safe", "en") in reply.text
    assert labels(outs, ALEX) == [
        t("safety_safe_yes", "en"),
        t("safety_safe_no", "en"),
        t("safety_my_country", "en"),
        t("safety_not_meant", "en"),
    ]
    async with coach.sessions() as session:
        assert (await session.exec(select(Reflection))).all() == [], "not stored as an answer"
        state, _ = await repo.load_state(session, ALEX.user_id)
        assert state.idle, "the scripted flow stopped"
        progress = await repo.progress(session, ALEX.user_id)
        assert progress["redefining"].node == "familiar", "/topics can resume it later"
    alex = await user(coach, ALEX)
    assert alex.nudges_paused_until == clock() + timedelta(days=1)
    assert not alex.quiet, "self-harm alone does not silence the couple"
    assert (await user(coach, SAM)).nudges_paused_until is None

    assert caplog.text.count("safety signal") == 1 and "self_harm" in caplog.text
    assert "want to die" not in caplog.text


async def test_each_self_harm_reply_has_a_next_step_and_forgets_the_message(coach):
    outs = await coach.text(ALEX, SELF_HARM)
    safe = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_safe_yes"))
    assert texts(safe, ALEX) == [coach.content.t("safety_self_harm_safe", "en")]
    async with coach.sessions() as session:
        assert (await session.exec(select(SafetyHold))).all() == [], "no longer kept"

    outs = await coach.text(ALEX, SELF_HARM)
    unsafe = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_safe_no"))
    assert "112 / 911" in texts(unsafe, ALEX)[0]
    assert "hurt yourself" in texts(unsafe, ALEX)[0]


async def test_abuse_gets_violence_lines_quiet_mode_and_privacy_steps(coach):
    await linked_in_britain(coach)
    outs = await coach.text(ALEX, ABUSE)

    assert texts(outs, SAM) == []
    [reply] = outs
    t = coach.content.t
    assert reply.text.startswith(t("safety_abuse", "en"))
    assert "0808 2000 247" in reply.text, "the national domestic abuse line"
    assert "116 123" not in reply.text, "not the suicide line"
    assert "999" in reply.text
    assert t("safety_quiet_turned_on", "en") in reply.text
    assert (await user(coach, ALEX)).quiet
    assert t("safety_privacy_button", "en") in labels(outs, ALEX)
    assert t("safety_my_country", "en") not in labels(outs, ALEX), "the country is known"

    steps = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_privacy_button"))
    text = texts(steps, ALEX)[0]
    assert "Passcode Lock" in text and "/forget" in text and "Delete" in text
    safe = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_safe_yes"))
    assert texts(safe, ALEX) == [t("safety_abuse_safe", "en")]
    unsafe = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_safe_no"))
    assert "999" in texts(unsafe, ALEX)[0]


async def test_a_person_who_uses_violence_gets_a_line_for_that(coach):
    await coach.run_command(ALEX, "start")
    await coach.press(ALEX, "sfc|GB|x")
    outs = await coach.text(ALEX, USES)
    [reply] = outs
    t = coach.content.t
    assert reply.text.startswith(t("safety_uses_violence", "en"))
    assert "0808 802 4040" in reply.text, "the Respect phone line"
    assert t("safety_ask_danger", "en") in reply.text
    assert not (await user(coach, ALEX)).quiet
    danger = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_danger_yes"))
    assert "999" in texts(danger, ALEX)[0]
    calm = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_danger_no"))
    assert "/cooldown" in texts(calm, ALEX)[0]


async def test_not_what_i_meant_returns_to_the_question_and_keeps_the_answer(coach, clock):
    await link(coach, ALEX, SAM)
    await at_question(coach, ALEX)
    before = await user(coach, ALEX)
    outs = await coach.text(ALEX, FALSE_ALARM)
    assert (await user(coach, ALEX)).quiet

    back = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_not_meant"))

    assert texts(back, ALEX)[0] == coach.content.t("safety_not_meant_reply", "en")
    assert texts(back, SAM) == []
    async with coach.sessions() as session:
        [answer] = (await session.exec(select(Reflection))).all()
        assert answer.text == FALSE_ALARM, "what they wrote is kept"
        assert answer.dialog == "redefining"
        assert (await session.exec(select(SafetyHold))).all() == []
    alex = await user(coach, ALEX)
    assert not alex.quiet, "quiet mode goes back to how it was"
    assert alex.nudges_paused_until == before.nudges_paused_until, "and so does the pause"
    again = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_not_meant"))
    assert texts(again, ALEX) == [coach.content.t("safety_nothing_held", "en")]


async def test_a_held_message_is_not_kept_past_a_day(coach, clock):
    outs = await coach.text(ALEX, SELF_HARM)
    clock.advance(days=1, minutes=1)
    late = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_not_meant"))
    assert texts(late, ALEX) == [coach.content.t("safety_nothing_held", "en")]
    async with coach.sessions() as session:
        assert (await session.exec(select(SafetyHold))).all() == []


async def test_old_safe_buttons_still_answer(coach):
    await coach.text(ALEX, SELF_HARM)
    outs = await coach.press(ALEX, "sfe|yes")
    assert texts(outs, ALEX) == [coach.content.t("safety_self_harm_safe", "en")]
    assert (await coach.press(ALEX, "sfe|maybe"))[0].notice
    assert (await coach.press(ALEX, "sfe|ok|q"))[0].notice


async def test_a_turkish_speaker_gets_turkish_words_and_is_offered_turkiye(coach):
    outs = await coach.text(KIM, "kendimi öldürmek istiyorum")
    t = coach.content.t
    assert outs[0].text.startswith(t("safety_self_harm", "tr"))
    suggested = t("safety_country_suggested", "tr", country="Türkiye")
    assert suggested in labels(outs, KIM), "offered, not used silently"
    assert "183" not in outs[0].text
    chosen = await coach.press(KIM, data_of_label(outs, KIM, suggested))
    assert "112" in chosen[0].text and "183" in chosen[0].text
    assert (await user(coach, KIM)).country == "TR"


def data_of_label(outs, person, label: str) -> str:
    [data] = [b.data for b in buttons(outs, person) if b.label == label]
    return data


async def test_a_longer_pause_is_not_shortened(coach, clock):
    await coach.run_command(ALEX, "start")
    later = clock() + timedelta(days=7)
    async with coach.sessions() as session, session.begin():
        alex = await session.get_one(User, ALEX.user_id)
        alex.nudges_paused_until = later
        session.add(alex)
    await coach.text(ALEX, SELF_HARM)
    assert (await user(coach, ALEX)).nudges_paused_until == later


async def test_a_signal_while_naming_yourself_is_screened_too(coach):
    await coach.run_command(ALEX, "invite")
    outs = await coach.text(ALEX, "I want to kill myself")
    assert outs[0].text.startswith(coach.content.t("safety_self_harm", "en"))
    assert (await user(coach, ALEX)).display_name is None


async def test_ordinary_text_passes_through(coach):
    await at_question(coach, ALEX)
    outs = await coach.text(ALEX, "I would never hurt her, we just argue about chores")
    assert not any(o.text.startswith(coach.content.t("safety_abuse", "en")) for o in outs)
    async with coach.sessions() as session:
        assert len((await session.exec(select(Reflection))).all()) == 1


async def test_help_now_gives_the_lines_any_time_without_pausing_anything(coach):
    outs = await coach.run_command(ALEX, "help_now")
    assert outs[0].text.startswith(coach.content.t("help_now_intro", "en"))
    assert "findahelpline.com" in outs[0].text
    assert (await user(coach, ALEX)).nudges_paused_until is None
    await coach.press(ALEX, "sfc|US|x")
    outs = await coach.run_command(ALEX, "help_now")
    assert "988" in outs[0].text and "1-800-799-7233" in outs[0].text and "911" in outs[0].text


async def test_about_and_the_welcome_say_attune_is_a_coach_not_therapy(coach):
    about = (await coach.run_command(ALEX, "about"))[0].text
    assert "not therapy" in about and "not emergency care" in about
    welcome = " ".join(o.text for o in await coach.run_command(SAM, "start"))
    assert "coach, not therapy or emergency care" in welcome
    kim = (await coach.run_command(KIM, "about"))[0].text
    assert "terapi değildir" in kim


async def test_help_now_names_each_emergency_number_once(coach):
    said = texts(await coach.run_command(ALEX, "help_now"), ALEX)[0]
    assert said.count("112") == 1 and said.count("911") == 1


async def test_i_am_not_safe_typed_gets_the_violence_lines_and_quiet_mode(coach):
    """Typed in a conversation, "I'm not safe" (or "güvende değilim") is heard: the
    answer for abuse and fear, with domestic-violence lines, not only a number."""
    await linked_in_britain(coach)
    outs = await coach.text(ALEX, "I'm not safe")
    assert texts(outs, SAM) == []
    [reply] = outs
    t = coach.content.t
    assert reply.text.startswith(t("safety_abuse", "en"))
    assert "0808 2000 247" in reply.text and "999" in reply.text
    assert (await user(coach, ALEX)).quiet
    outs = await coach.text(KIM, "güvende değilim")
    assert texts(outs, KIM)[0].startswith(t("safety_abuse", "tr"))


async def test_abuse_told_with_self_harm_gets_both_answers_and_quiet_mode(coach):
    """Self-harm is answered first, and the abuse in the same message is not dropped:
    the domestic-violence line, the privacy steps and quiet mode come with it."""
    await linked_in_britain(coach)
    outs = await coach.text(ALEX, "he beats me and I want to die")
    await assert_both_answers(coach, outs)


# -- a maybe: asked about before it is answered -------------------------------------------------

MAYBE_ABUSE = "i'm careful what i say around him or it gets bad"
"""Read as fear by meaning at 0.61 (the word classifier is not asked: no word of harm), and by
no phrase: between `ASK_THRESHOLD` and the sure tier, so a question, not an answer."""
MAYBE_SELF_HARM = "some nights i lie awake wondering if it's worth waking up"
"""Read as passive self-harm by the word classifier at 0.74 (by meaning at 0.49): a maybe."""
MAYBE_TR = "bazı geceler uyanmaya değer mi diye düşünüp duruyorum"
"""The same thought in Turkish, passive self-harm at 0.54 by the word classifier: a maybe."""


async def test_the_maybe_sentences_are_maybes(coach):
    """The premise of the tests below, computed: nothing sure, something possible."""
    care = next(s.__self__ for s in coach.safety_screens)
    for text, need in (
        (MAYBE_ABUSE, "abuse"),
        (MAYBE_SELF_HARM, "self_harm"),
        (MAYBE_TR, "self_harm"),
    ):
        reading = care.detector.read(text)
        assert reading.sure == frozenset() and group_of(reading.possible) == need, text


async def test_a_maybe_mid_conversation_gets_a_question_not_the_crisis_answer(coach, clock, caplog):
    await link(coach, ALEX, SAM)
    await at_question(coach, ALEX)
    with caplog.at_level(logging.INFO):
        outs = await coach.text(ALEX, MAYBE_ABUSE)

    t = coach.content.t
    assert texts(outs, SAM) == [], "the partner hears nothing"
    [question] = outs
    assert question.text == t("safety_check_question", "en")
    assert "0808" not in question.text and "findahelpline" not in question.text
    assert labels(outs, ALEX) == [t("safety_check_go_on", "en"), t("safety_check_not_safe", "en")]
    async with coach.sessions() as session:
        assert (await session.exec(select(Reflection))).all() == [], "held, not stored"
        [hold] = (await session.exec(select(SafetyHold))).all()
        assert hold.text == MAYBE_ABUSE and hold.node == "familiar"
        state, _ = await repo.load_state(session, ALEX.user_id)
        assert state.idle, "the dialog waits for the answer"
    alex = await user(coach, ALEX)
    assert alex.nudges_paused_until is None, "a maybe pauses nothing"
    assert not alex.quiet, "and turns nothing on"
    assert "safety maybe (fear)" in caplog.text and "asked" in caplog.text
    assert "safety signal" not in caplog.text
    assert "careful" not in caplog.text, "categories, never words"


async def test_im_safe_go_on_reads_the_message_as_if_nothing_had_happened(coach, clock):
    await link(coach, ALEX, SAM)
    await at_question(coach, ALEX)
    outs = await coach.text(ALEX, MAYBE_ABUSE)

    back = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_go_on"))

    assert texts(back, ALEX)[0] == coach.content.t("safety_check_go_on_reply", "en")
    assert texts(back, SAM) == []
    async with coach.sessions() as session:
        [answer] = (await session.exec(select(Reflection))).all()
        assert answer.text == MAYBE_ABUSE and answer.dialog == "redefining", "kept as an answer"
        assert (await session.exec(select(SafetyHold))).all() == []
    alex = await user(coach, ALEX)
    assert not alex.quiet and alex.nudges_paused_until is None
    again = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_go_on"))
    assert texts(again, ALEX) == [coach.content.t("safety_nothing_held", "en")]


async def test_not_safe_after_a_maybe_of_abuse_gets_the_abuse_answer_and_quiet_mode(coach, clock):
    await linked_in_britain(coach)
    await at_question(coach, ALEX)
    outs = await coach.text(ALEX, MAYBE_ABUSE)

    said = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_not_safe"))

    t = coach.content.t
    assert texts(said, SAM) == [], "the partner's chat stays silent"
    [reply] = said
    assert reply.text.startswith(t("safety_abuse", "en"))
    assert "0808 2000 247" in reply.text, "the national domestic abuse line"
    assert t("safety_quiet_turned_on", "en") in reply.text
    assert t("safety_abuse_unsafe", "en", emergency="999") in reply.text, "the next step"
    assert t("safety_privacy_button", "en") in labels(said, ALEX)
    assert t("safety_not_meant", "en") not in labels(said, ALEX), "they told us"
    alex = await user(coach, ALEX)
    assert alex.quiet
    assert alex.nudges_paused_until == clock() + timedelta(days=1)
    async with coach.sessions() as session:
        assert (await session.exec(select(SafetyHold))).all() == [], "the words are not kept"
        assert (await session.exec(select(Reflection))).all() == []
    shared = await coach.text(ALEX, "we talked about the weekend")
    assert texts(shared, SAM) == [], "quiet mode holds what comes next too"


async def test_not_safe_after_a_maybe_of_self_harm_gets_the_crisis_lines(coach, clock):
    outs = await coach.text(ALEX, MAYBE_SELF_HARM)
    said = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_not_safe"))
    t = coach.content.t
    [reply] = said
    assert reply.text.startswith(t("safety_self_harm", "en"))
    assert "https://findahelpline.com" in reply.text
    assert "hurt yourself" in reply.text and "112 / 911" in reply.text
    assert t("safety_my_country", "en") in labels(said, ALEX), "the country is not known"
    alex = await user(coach, ALEX)
    assert not alex.quiet, "self-harm alone does not silence the couple"
    assert alex.nudges_paused_until == clock() + timedelta(days=1)


async def test_not_safe_after_a_maybe_of_self_harm_and_abuse_brings_both_answers(
    coach, monkeypatch
):
    """As a sure signal of both does: the crisis line first, and the abuse line, quiet mode
    and the privacy steps with it. No sentence of the corpora reads as such a maybe today, so
    the detector here hears this one text that way; the rule under test is Care's own."""
    both = "some nights i wonder what the point is, and i watch what i say around him"
    care = next(s.__self__ for s in coach.safety_screens)
    real = care.detector

    class HearsBoth:
        meaning = None

        def read(self, text: str) -> Reading:
            if text == both:
                return Reading(possible=frozenset({"self_harm_passive", "fear"}))
            return real.read(text)

    monkeypatch.setattr(care, "detector", HearsBoth())
    await linked_in_britain(coach)
    outs = await coach.text(ALEX, both)
    t = coach.content.t
    assert texts(outs, ALEX) == [t("safety_check_question", "en")]
    assert not (await user(coach, ALEX)).quiet, "nothing turned on for a maybe"

    said = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_not_safe"))

    await assert_both_answers(coach, said)


async def test_a_turkish_speaker_is_asked_in_turkish(coach):
    outs = await coach.text(KIM, MAYBE_TR)
    t = coach.content.t
    assert texts(outs, KIM) == [t("safety_check_question", "tr")]
    assert labels(outs, KIM) == [t("safety_check_go_on", "tr"), t("safety_check_not_safe", "tr")]


async def test_stale_and_forged_answers_to_the_question(coach, clock):
    outs = await coach.text(ALEX, MAYBE_ABUSE)
    clock.advance(days=1, minutes=1)
    late = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_go_on"))
    assert texts(late, ALEX) == [coach.content.t("safety_nothing_held", "en")]
    unsafe = await coach.press(ALEX, data_of(coach, outs, ALEX, "safety_check_not_safe"))
    assert texts(unsafe, ALEX)[0].startswith(coach.content.t("safety_abuse", "en")), (
        "the words are gone, but not being safe is still answered"
    )
    for forged in ("sfe|ns|q", "sfe|ns", "sfe|fine|q"):
        assert (await coach.press(ALEX, forged))[0].notice, forged


async def test_go_on_under_an_old_question_does_not_undo_a_later_signal(coach, clock):
    """One message is held per person: after a signal, "I'm safe, go on" under the earlier
    question must not give the signal's message back nor undo its pause and quiet mode."""
    await link(coach, ALEX, SAM)
    asked = await coach.text(ALEX, MAYBE_ABUSE)
    await coach.text(ALEX, ABUSE)

    late = await coach.press(ALEX, data_of(coach, asked, ALEX, "safety_check_go_on"))

    assert texts(late, ALEX) == [coach.content.t("safety_nothing_held", "en")]
    alex = await user(coach, ALEX)
    assert alex.quiet and alex.nudges_paused_until == clock() + timedelta(days=1)
    async with coach.sessions() as session:
        [hold] = (await session.exec(select(SafetyHold))).all()
        assert hold.text == ABUSE, "kept for its own 'That's not what I meant'"
