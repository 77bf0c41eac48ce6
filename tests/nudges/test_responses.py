"""Reacting to check-ins: scores, answers, snooze, "fewer", backing off, couple questions."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.nudges.models import NudgeAnswer, NudgeCheckin
from bot.storage import repo
from bot.storage.models import DialogProgress
from tests.nudges.support import (
    TUESDAY_DUE,
    button,
    deliveries,
    make_coach,
    meet,
    run_until,
    schedule,
    tick,
    update_schedule,
)
from tests.support.people import ALEX, SAM, link, to, update_user

FRIDAY_DUE = TUESDAY_DUE + timedelta(days=3)


@pytest.fixture
def coach(engine, content, clock):
    return make_coach(engine, content, clock)


async def first_check_in(coach, clock, *people):
    await meet(coach, *people)
    await tick(coach)
    clock.set(TUESDAY_DUE)
    return await tick(coach)


async def test_every_check_in_offers_an_answer_snooze_and_fewer(coach, clock) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    labels = [b.label for row in out.keyboard for b in row]
    assert labels[:5] == ["1", "2", "3", "4", "5"], "a check-in question is answered in one tap"
    assert {"⏰ In an hour", "🌙 Tomorrow", "Fewer of these"} <= set(labels)
    assert re.search(r"\b1\b.*\b5\b", out.text), "the question names its 1-5 scale"


async def test_a_score_is_stored_privately_with_a_short_follow_up(coach, clock) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    outs = await coach.press(ALEX, button(out, "4"))
    assert outs[0].replace and "4 out of 5" in outs[0].text
    assert "helped you feel close" in outs[1].text
    typed = await coach.text(ALEX, "our walk on Sunday")
    assert "just for you" in typed[0].text
    async with coach.sessions() as session:
        [checkin] = (await session.exec(select(NudgeCheckin))).all()
        [answer] = (await session.exec(select(NudgeAnswer))).all()
    assert (checkin.score, checkin.shared) == (4, False)
    assert (answer.text, answer.shared) == ("our walk on Sunday", False)
    again = await coach.press(ALEX, button(out, "2"))
    assert "already answered" in again[0].text


async def test_a_linked_person_chooses_whether_the_score_joins_the_weekly_picture(
    coach, clock
) -> None:
    await link(coach, ALEX, SAM)
    outs = await first_check_in(coach, clock, ALEX, SAM)
    [alex] = to(outs, ALEX)
    follow_up = (await coach.press(ALEX, button(alex, "5")))[1]
    shared = await coach.press(ALEX, button(follow_up, "weekly picture"))
    assert "partner's weekly picture" in shared[0].text
    assert to(shared, SAM) == [], "sharing a score does not ping the partner"
    async with coach.sessions() as session:
        [checkin] = (await session.exec(select(NudgeCheckin))).all()
    assert checkin.shared


async def test_text_after_moving_on_to_a_conversation_is_not_taken_as_an_answer(
    coach, clock
) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    await coach.press(ALEX, button(out, "3"))
    clock.advance(seconds=20)
    await coach.press(ALEX, "t|redefining")  # opens a guided conversation instead
    clock.advance(seconds=20)
    await coach.text(ALEX, "an answer for the dialog")
    async with coach.sessions() as session:
        assert (await session.exec(select(NudgeAnswer))).all() == []


async def test_snooze_for_an_hour_brings_the_same_check_in_back(coach, clock) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    clock.advance(minutes=2)
    snoozed = await coach.press(ALEX, button(out, "In an hour"))
    assert snoozed[0].replace and "20:32" in snoozed[0].text
    assert await run_until(coach, clock, TUESDAY_DUE + timedelta(minutes=55), minutes=5) == []
    [back] = await run_until(coach, clock, TUESDAY_DUE + timedelta(hours=2), minutes=5)
    assert back.text.startswith("As promised")
    assert out.text in back.text
    row = await schedule(coach, ALEX)
    assert (row.snooze_until, row.snooze_of) == (None, None), "the snooze is over (/mydata)"


async def test_a_snooze_into_quiet_hours_waits_for_the_morning(coach, clock) -> None:
    await meet(coach, ALEX)
    await coach.press(ALEX, f"ns|ts|{21 * 60 + 30}")  # 21:30; quiet hours start at 22:00
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(hours=2, minutes=10), minutes=10)
    said = await coach.press(ALEX, button(sent[-1], "In an hour"))
    assert "08:00" in said[0].text
    night = TUESDAY_DUE + timedelta(hours=12, minutes=20)  # 07:50 local, Wednesday
    assert await run_until(coach, clock, night, minutes=10) == []
    [back] = await run_until(coach, clock, night + timedelta(minutes=20), minutes=10)
    assert back.text.startswith("As promised")


async def test_snooze_until_tomorrow_comes_back_at_the_usual_time(coach, clock) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    said = await coach.press(ALEX, button(out, "Tomorrow"))
    assert "tomorrow at 19:30" in said[0].text
    [back] = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=1, minutes=10), minutes=10)
    assert back.text.startswith("As promised")
    assert (await deliveries(coach, ALEX))[-1].due_at == TUESDAY_DUE + timedelta(days=1)


async def test_a_check_in_due_before_a_snoozed_one_comes_back_leaves_the_snooze_as_it_was(
    coach, clock
) -> None:
    """Snoozed till tomorrow evening, with another check-in due in the morning: that one
    comes, and the snoozed one still comes back in the evening as the same question."""
    [out] = await first_check_in(coach, clock, ALEX)
    await coach.press(ALEX, button(out, "Tomorrow"))
    morning = TUESDAY_DUE + timedelta(hours=14)  # Wednesday 09:30 in Istanbul
    await update_schedule(coach, ALEX, regular_due_at=morning, next_due_at=morning)
    clock.set(morning)
    [regular] = await tick(coach)
    assert not regular.text.startswith("As promised")
    [back] = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=1, minutes=10), minutes=10)
    assert back.text.startswith("As promised") and out.text in back.text


async def test_fewer_of_these_halves_the_frequency(coach, clock) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    said = await coach.press(ALEX, button(out, "Fewer"))
    assert "half as often" in said[0].text
    assert (await schedule(coach, ALEX)).stride == 2
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=14), hours=1)
    assert len(sent) == 2, "two in two weeks instead of four"


async def test_three_ignored_check_ins_halve_the_frequency_and_say_so_once(coach, clock) -> None:
    await meet(coach, ALEX)
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=28), hours=1)
    # Tue, Fri, Tue ignored; the fourth says we'll write less, then every other occurrence.
    # Tue 3, Fri 6, Tue 10 | Fri 13 (with the note) | Fri 20, Fri 27
    assert len(sent) == 6
    notes = [o for o in sent if "less often" in o.text]
    assert len(notes) == 1 and notes[0] is sent[3]
    due = [d.due_at for d in await deliveries(coach, ALEX)]
    assert due[4] - due[3] == timedelta(days=7)


async def test_answering_resets_the_ignored_count(coach, clock) -> None:
    await meet(coach, ALEX)
    sent = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=7, hours=1), hours=1)
    assert len(sent) == 3 and (await schedule(coach, ALEX)).unanswered == 3
    await coach.press(ALEX, button(sent[-1], "In an hour"))
    assert (await schedule(coach, ALEX)).unanswered == 0
    later = await run_until(coach, clock, TUESDAY_DUE + timedelta(days=11), hours=1)
    assert not any("less often" in o.text for o in later)


async def test_continue_where_you_left_off(coach, clock, content) -> None:
    await meet(coach, ALEX)
    await coach.press(ALEX, "t|redefining")  # starts a conversation and leaves it
    await update_schedule(coach, ALEX, kind_cursor=5)  # the "continue" turn
    await update_user(coach, ALEX, created_at=clock.now - timedelta(days=2))
    await tick(coach)
    clock.set(TUESDAY_DUE)
    [out] = await tick(coach)
    assert f"“{content.title('redefining', 'en')}”" in out.text
    opened = await coach.press(ALEX, button(out, "Continue now"))
    assert opened and opened[-1].keyboard, "the conversation opens where it was"
    async with coach.sessions() as session:
        progress = await session.get(DialogProgress, (ALEX.user_id, "redefining"))
    assert progress is not None and progress.status == "in_progress"


async def test_appreciation_answered_privately_then_shared_with_the_partner(coach, clock) -> None:
    await link(coach, ALEX, SAM)
    await meet(coach, ALEX, SAM)
    await update_schedule(coach, ALEX, kind_cursor=1)  # the appreciation turn
    outs = await first_check_in(coach, clock)
    [alex] = to(outs, ALEX)
    assert "appreciation" in alex.text
    prompt = await coach.press(ALEX, button(alex, "Answer now"))
    assert "private" in prompt[0].text
    saved = await coach.text(ALEX, "You made me tea when I was tired")
    assert to(saved, SAM) == [], "nothing reaches the partner before the author decides"
    shared = await coach.press(ALEX, button(saved[0], "Share"))
    [to_sam] = to(shared, SAM)
    assert "You made me tea" in to_sam.text and "Alex" in to_sam.text
    assert to_sam.text != "" and any(o.replace for o in to(shared, ALEX))
    async with coach.sessions() as session:
        [answer] = (await session.exec(select(NudgeAnswer))).all()
    assert answer.shared
    # named to the outbox by its id: if it cannot be delivered, it is unshared again
    assert (to_sam.kind, to_sam.sender_id) == ("nudge_appreciation_shared", ALEX.user_id)
    assert json.loads(to_sam.about or "{}") == {"answer": answer.id}


async def test_a_couple_question_reaches_both_and_is_revealed_once_both_answered(
    coach, clock
) -> None:
    await link(coach, ALEX, SAM)
    await meet(coach, ALEX, SAM)
    await update_schedule(coach, ALEX, kind_cursor=3)  # Alex's turn is a couple question
    await coach.press(SAM, f"ns|ts|{21 * 60}")  # Sam's check-ins come later
    outs = await first_check_in(coach, clock)
    [alex] = to(outs, ALEX)
    assert "two of you" in alex.text
    [sam] = await run_until(coach, clock, TUESDAY_DUE + timedelta(hours=2), minutes=30)
    assert sam.chat_id == SAM.chat_id
    assert "İkiniz için bir soru" in sam.text, "Sam gets the same question, in Turkish"
    await coach.press(ALEX, button(alex, "Answer now"))
    waiting = await coach.text(ALEX, "a picnic by the sea")
    assert "once Sam has answered too" in waiting[0].text
    assert to(waiting, SAM) == []
    await coach.press(SAM, button(sam, "Şimdi cevapla"))
    reveal = await coach.text(SAM, "deniz kenarında kahvaltı")
    [to_alex] = to(reveal, ALEX)
    [to_sam] = to(reveal, SAM)
    assert "a picnic by the sea" in to_sam.text and "deniz kenarında kahvaltı" in to_sam.text
    assert "a picnic by the sea" in to_alex.text and "deniz kenarında kahvaltı" in to_alex.text


@pytest.mark.parametrize("absent", ["paused", "blocked"])
async def test_with_the_partner_away_a_couple_question_is_worded_for_one(
    coach, clock, absent
) -> None:
    await link(coach, ALEX, SAM)
    await meet(coach, ALEX, SAM)
    await update_schedule(coach, ALEX, kind_cursor=3)
    if absent == "paused":
        await update_user(coach, SAM, nudges_paused_until=TUESDAY_DUE + timedelta(days=30))
    else:
        await update_user(coach, SAM, active=False)
    outs = await first_check_in(coach, clock)
    assert to(outs, SAM) == []
    [alex] = to(outs, ALEX)
    assert "just for you this time" in alex.text and "both" not in alex.text
    await coach.press(ALEX, button(alex, "Answer now"))
    saved = await coach.text(ALEX, "a quiet morning")
    assert to(saved, SAM) == [] and "just for you" in saved[0].text


async def test_buttons_of_someone_else_s_check_in_do_nothing(coach, clock) -> None:
    [out] = await first_check_in(coach, clock, ALEX)
    await meet(coach, SAM)
    outs = await coach.press(SAM, button(out, "Fewer"))
    assert outs[0].notice and (await schedule(coach, ALEX)).stride == 1


@pytest.mark.parametrize("data", ["nu", "nu|s", "nu|s|x|3", "nu|s|999|3", "nu|zz|1", "nu|cs|1|7"])
async def test_forged_buttons_get_a_kind_answer(coach, clock, data) -> None:
    await first_check_in(coach, clock, ALEX)
    outs = await coach.press(ALEX, data)
    assert len(outs) == 1 and outs[0].notice


async def test_a_check_in_answered_mid_conversation_returns_to_the_conversation(
    coach, clock, content
) -> None:
    """Issue 15, item 4: the couple question's "Answer now", answered while a guided
    conversation is open, ends with that conversation's step shown again."""
    await link(coach, ALEX, SAM)
    await meet(coach, ALEX, SAM)
    await update_schedule(coach, ALEX, kind_cursor=3)  # Alex's turn is a couple question
    await tick(coach)
    clock.set(TUESDAY_DUE - timedelta(minutes=5))
    opened = await coach.press(ALEX, "t|redefining")
    async with coach.sessions() as session:
        state, _ = await repo.load_state(session, ALEX.user_id)
    step = content.dialogs["redefining"].nodes[state.node].text["en"]
    assert opened[-1].text.endswith(step)
    clock.set(TUESDAY_DUE)
    [alex] = to(await tick(coach), ALEX)
    await coach.press(ALEX, button(alex, "Answer now"))
    outs = to(await coach.text(ALEX, "a picnic by the sea"), ALEX)
    assert "once Sam has answered too" in outs[0].text
    assert outs[-1].text.endswith(content.t("back_to_dialog", "en") + "\n\n" + step)
    assert outs[-1].text.startswith(content.t("back_to_dialog", "en")), "its own message"
    async with coach.sessions() as session:
        assert (await repo.load_state(session, ALEX.user_id))[0] == state, "still there"
        assert (await session.exec(select(NudgeAnswer))).one().text == "a picnic by the sea"
