"""Answer together: private until both answered, then side by side for both."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.coach import Coach
from bot.conversations import begin_at
from bot.engine.content import Content
from bot.engine.loader import load_content
from bot.engine.state import DialogState
from bot.features import FEATURES
from bot.storage import repo
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.models import DialogProgress
from tests.engine.dialog_files import write_dialogs
from tests.support.people import (
    ALEX,
    KIM,
    SAM,
    buttons,
    link,
    link_rows,
    speaking,
    texts,
    unlink,
    update_user,
)

PAIR = """
id: pair
title: {en: Pair, tr: Çift}
start: q
nodes:
  q:
    text: {en: "One thing you love about us?", tr: "Bizde sevdiğin bir şey?"}
    ask: {key: love, together: true, shareable: false}
    next: bye
  bye:
    text: {en: Bye, tr: Hoşça kal}
    end: true
"""


TOPIC = """
id: topic
title: {en: Closeness, tr: Yakınlık}
start: intro
nodes:
  intro:
    text: {en: "Why small moments matter.", tr: "Küçük anlar neden önemli."}
    next: q
  q:
    text:
      en: "A question you both answer: when do you feel close?"
      tr: "İkinizin sorusu: ne zaman yakın hissedersin?"
    ask:
      key: close
      together: true
      shareable: false
      ack:
        - {en: "Thank you for that.", tr: "Bunun için teşekkürler."}
    next: exercise
  exercise:
    text: {en: "The closing exercise: a slow hello.", tr: "Kapanış alıştırması: yavaş bir merhaba."}
    buttons:
      - label: {en: "We'll try it", tr: "Deneyeceğiz"}
        next: bye
  bye:
    text: {en: "Topic finished.", tr: "Konu bitti."}
    end: true
"""

OTHER = """
id: other
title: {en: Other, tr: Diğer}
start: a
nodes:
  a:
    text: {en: "Step A of another talk.", tr: "Başka sohbetin A adımı."}
    buttons:
      - label: {en: "On", tr: "Devam"}
        next: b
  b:
    text: {en: "Step B: what do you hope for?", tr: "B adımı: ne umuyorsun?"}
    ask: {key: hope, shareable: false}
    next: end
  end:
    text: {en: "Other finished.", tr: "Diğeri bitti."}
    end: true
"""


@pytest.fixture
def pair_content(tmp_path: Path) -> Content:
    files = {"pair.yaml": PAIR, "topic.yaml": TOPIC, "other.yaml": OTHER}
    return load_content(write_dialogs(tmp_path / "d", files, topics=["pair", "topic", "other"]))


async def make_coach(url: str, content: Content, clock) -> Coach:
    engine = create_engine(url)
    await migrate(engine)
    return Coach(content, session_factory(engine), clock, features=FEATURES)


@pytest.fixture
async def pair_coach(sqlite_url: str, pair_content: Content, clock) -> Coach:
    return await make_coach(sqlite_url, pair_content, clock)


async def answer(coach: Coach, person, text: str):
    await coach.press(person, "t|pair")
    return await coach.text(person, text)


async def test_first_answer_waits_and_the_partner_gets_one_reminder(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    assert any("Sam hasn't answered" in t for t in texts(outs, ALEX))
    reminder = texts(outs, SAM)
    assert len(reminder) == 1 and "your laugh" not in reminder[0] and "Alex" in reminder[0]
    # Answering again later sends no second reminder.
    again = await answer(pair_coach, ALEX, "your kindness")
    assert texts(again, SAM) == []


async def test_when_both_answered_both_see_both_answers(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "your laugh")
    outs = await answer(pair_coach, SAM, "senin sabrın")
    to_alex, to_sam = texts(outs, ALEX), texts(outs, SAM)
    assert len(to_alex) == 1 and "your laugh" in to_alex[0] and "senin sabrın" in to_alex[0]
    assert any("your laugh" in t and "senin sabrın" in t and "İkiniz" in t for t in to_sam)


async def test_a_question_both_answered_counts_in_progress_for_both(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "your laugh")
    await answer(pair_coach, SAM, "senin sabrın")
    [shown] = texts(await pair_coach.run_command(ALEX, "progress"), ALEX)
    assert "Questions answered together: 1" in shown
    [shown] = texts(await pair_coach.run_command(SAM, "progress"), SAM)
    assert "Birlikte cevaplanan sorular: 1" in shown


async def test_the_reminder_button_opens_the_question(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    answer_now = buttons(outs, SAM)[pair_coach.content.t("together_answer_now", "tr")]
    opened = await pair_coach.press(SAM, answer_now)
    assert texts(opened, SAM) == [
        "“Çift” sohbetinden, ikiniz için bir soru:\n\nBizde sevdiğin bir şey?"
    ]
    revealed = await pair_coach.text(SAM, "sabrın")
    assert any("your laugh" in t for t in texts(revealed, SAM))


async def test_a_partner_can_skip_and_nothing_is_revealed(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    skip = buttons(outs, SAM)[pair_coach.content.t("together_skip", "tr")]
    skipped = await pair_coach.press(SAM, skip)
    assert all("your laugh" not in o.text for o in skipped)
    assert [o.chat_id for o in skipped] == [SAM.chat_id]


async def test_alone_the_answer_is_kept_and_linking_is_suggested(pair_coach) -> None:
    outs = await answer(pair_coach, KIM, "hope")
    assert any("/invite" in t for t in texts(outs, KIM))


async def test_forged_reminder_buttons_are_refused(pair_coach) -> None:
    couple = await link(pair_coach, ALEX, SAM)
    unknown, stale = (pair_coach.content.t(k, "tr") for k in ("unknown_button", "stale_button"))
    forged = {
        f"q|{couple}|pair|bye": unknown,  # not a couple question
        "q|pair": unknown,
        f"k|{couple}|ghost|q": unknown,
        f"q|{couple}|pair|q|extra": unknown,
        f"q|{couple + 98}|pair|q": stale,  # another couple's reminder
    }
    for data, notice in forged.items():
        outs = await pair_coach.press(SAM, data)
        assert [(o.chat_id, o.notice, o.text) for o in outs] == [(SAM.chat_id, True, notice)], data


@pytest.mark.postgres
async def test_both_answering_at_once_reveals_exactly_once_on_postgres(
    postgres_url: str, pair_content: Content, clock
) -> None:
    coach = await make_coach(postgres_url, pair_content, clock)
    await link(coach, ALEX, SAM)
    await coach.press(ALEX, "t|pair")
    await coach.press(SAM, "t|pair")
    outs_a, outs_s = await asyncio.gather(
        coach.text(ALEX, "from alex"), coach.text(SAM, "from sam")
    )
    everything = outs_a + outs_s
    reveals = [o for o in everything if "from alex" in o.text and "from sam" in o.text]
    assert sorted(o.chat_id for o in reveals) == [ALEX.chat_id, SAM.chat_id]


async def test_a_reminder_from_an_earlier_link_does_nothing(pair_coach) -> None:

    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    skip = buttons(outs, SAM)[pair_coach.content.t("together_skip", "tr")]
    await unlink(pair_coach, ALEX, SAM)
    await link(pair_coach, SAM, KIM)
    outs = await pair_coach.press(SAM, skip)
    stale = pair_coach.content.t("stale_button", "tr")
    assert [(o.chat_id, o.notice, o.text) for o in outs] == [(SAM.chat_id, True, stale)]


async def test_the_note_about_linking_is_said_once_not_after_every_couple_question(coach):
    from bot.conversations import begin_at
    from tests.support.people import ALEX as LONER

    note = coach.content.t("together_no_partner", "en")
    said = []
    for topic in ("redefining", "safety"):
        await coach.run_command(LONER, "start")
        node = next(
            n.id for n in coach.content.dialogs[topic].nodes.values() if n.ask and n.ask.together
        )
        await coach.handle(LONER, lambda turn, t=topic, n=node: begin_at(turn, t, n))
        outs = await coach.text(LONER, "when we cook together")
        said.append(any(note in o.text for o in outs))
    assert said == [True, False]


async def test_after_a_relink_the_new_partner_never_sees_an_answer_written_for_the_last(
    pair_coach,
) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "what I love about us, Sam")
    await unlink(pair_coach, ALEX, SAM)
    await link(pair_coach, ALEX, KIM)
    outs = await answer(pair_coach, KIM, "your calm")
    assert all("what I love about us, Sam" not in o.text for o in outs)
    to_kim = texts(outs, KIM)
    assert any("Alex hasn't answered" in t for t in to_kim), to_kim
    assert len(texts(outs, ALEX)) == 1, "Alex is reminded to answer for Kim"


# -- issue 15, item 4: "Answer now" opens exactly the couple question -------------------

EN_SAM = speaking(SAM, "en")


async def progress_of(coach: Coach, person, dialog: str) -> str | None:
    async with coach.sessions() as session:
        row = await session.get(DialogProgress, (person.user_id, dialog))
        return None if row is None else row.status


async def state_of(coach: Coach, person) -> DialogState:
    async with coach.sessions() as session:
        return (await repo.load_state(session, person.user_id))[0]


async def remind_sam(coach: Coach) -> str:
    """Alex answers the topic's couple question; Sam's reminder's "Answer now" data."""
    await coach.press(ALEX, "t|topic")
    outs = await coach.text(ALEX, "cooking together")
    return buttons(outs, EN_SAM)[coach.content.t("together_answer_now", "en")]


async def test_answer_now_asks_only_that_question_then_returns_to_the_talk_in_progress(
    pair_coach,
) -> None:
    await link(pair_coach, ALEX, EN_SAM)
    await pair_coach.press(EN_SAM, "t|other")
    await pair_coach.press(EN_SAM, "n|other|a|0")  # Sam is at step B of another talk
    answer_now = await remind_sam(pair_coach)

    opened = texts(await pair_coach.press(EN_SAM, answer_now), EN_SAM)
    assert opened == [
        "A question for you both, from “Closeness”:\n\n"
        "A question you both answer: when do you feel close?"
    ]
    assert await state_of(pair_coach, EN_SAM) == DialogState("other", "b"), "still where Sam was"

    after = await pair_coach.text(EN_SAM, "long walks")
    [to_sam] = texts(after, EN_SAM)
    assert to_sam.startswith("Thank you for that.")  # the question's own acknowledgement
    assert "cooking together" in to_sam and "long walks" in to_sam  # both answers
    assert to_sam.endswith("Back to where you were:\n\nStep B: what do you hope for?")
    assert any("long walks" in t for t in texts(after, ALEX))
    everything = " ".join(o.text for o in after)
    assert "exercise" not in everything and "Why small moments" not in everything
    assert await state_of(pair_coach, EN_SAM) == DialogState("other", "b")
    assert await progress_of(pair_coach, EN_SAM, "topic") is None, "the topic is not marked done"

    going_on = await pair_coach.text(EN_SAM, "a quiet weekend")
    assert texts(going_on, EN_SAM)[-1].endswith("Other finished."), "step B took the answer"


async def test_answer_now_after_a_finished_topic_does_not_run_its_exercise_again(
    pair_coach,
) -> None:
    """Sam finished the topic with an earlier partner; Alex's reminder brings only the
    question, and the topic stays done."""
    await link(pair_coach, KIM, EN_SAM)
    await pair_coach.press(EN_SAM, "t|topic")
    await pair_coach.text(EN_SAM, "for Kim")
    await pair_coach.press(EN_SAM, "n|topic|exercise|0")
    assert await progress_of(pair_coach, EN_SAM, "topic") == "done"
    await unlink(pair_coach, KIM, EN_SAM)
    await link(pair_coach, ALEX, EN_SAM)
    answer_now = await remind_sam(pair_coach)

    await pair_coach.press(EN_SAM, answer_now)
    after = await pair_coach.text(EN_SAM, "evenings on the sofa")
    everything = " ".join(o.text for o in after)
    assert "cooking together" in everything and "evenings on the sofa" in everything
    assert "for Kim" not in everything
    assert "closing exercise" not in everything and "Topic finished" not in everything
    assert "Back to where you were" not in everything, "Sam was in no talk"
    assert await state_of(pair_coach, EN_SAM) == DialogState()
    assert await progress_of(pair_coach, EN_SAM, "topic") == "done"


async def test_answer_now_for_a_question_already_answered_says_so(pair_coach) -> None:
    await link(pair_coach, ALEX, EN_SAM)
    answer_now = await remind_sam(pair_coach)
    await pair_coach.press(EN_SAM, answer_now)
    await pair_coach.text(EN_SAM, "long walks")
    again = await pair_coach.press(EN_SAM, answer_now)
    assert [(o.notice, o.text) for o in again] == [
        (True, pair_coach.content.t("together_already_answered", "en"))
    ]


async def test_a_reminders_question_gives_way_when_the_person_moves_on(pair_coach, clock) -> None:
    """Opened from the reminder, then a button of the talk pressed: typed words go to
    the talk, not to the couple question (the one rule of bot.waiting)."""
    await link(pair_coach, ALEX, EN_SAM)
    await pair_coach.press(EN_SAM, "t|other")
    answer_now = await remind_sam(pair_coach)
    await pair_coach.press(EN_SAM, answer_now)
    clock.advance(seconds=30)
    await pair_coach.press(EN_SAM, "n|other|a|0")
    outs = await pair_coach.text(EN_SAM, "a quiet weekend")
    assert texts(outs, ALEX) == [], "nothing revealed: it answered step B"
    assert texts(outs, EN_SAM)[-1].endswith("Other finished.")


# -- make mutate: what the survivors of bot/together/flow.py showed untested ----------


async def test_each_person_hears_the_note_about_linking_on_their_own_first_couple_question(
    pair_coach,
) -> None:
    """Kim answering alone first does not use up Alex's note."""
    note = pair_coach.content.t("together_no_partner", "en")
    assert any(note in t for t in texts(await answer(pair_coach, KIM, "hope"), KIM))
    assert any(note in t for t in texts(await answer(pair_coach, ALEX, "trust"), ALEX))


async def test_only_couple_answers_given_alone_use_up_the_note_about_linking(pair_coach) -> None:
    """An answer to an ordinary question, or a couple answer given while linked to
    someone, is not a couple question answered alone: the first one alone gets the note."""
    note = pair_coach.content.t("together_no_partner", "en")
    await pair_coach.press(ALEX, "t|other")
    await pair_coach.press(ALEX, "n|other|a|0")
    await pair_coach.text(ALEX, "a quiet weekend")  # an ordinary question's answer
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "your laugh")  # a couple answer, while linked
    await unlink(pair_coach, ALEX, SAM)
    alone = await answer(pair_coach, ALEX, "still your laugh")
    assert any(note in t for t in texts(alone, ALEX))


async def test_skipping_turns_the_reminder_into_a_short_note_in_its_place(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    skip = buttons(outs, SAM)[pair_coach.content.t("together_skip", "tr")]
    skipped = await pair_coach.press(SAM, skip)
    assert [(o.chat_id, o.replace, o.text) for o in skipped] == [
        (SAM.chat_id, True, pair_coach.content.t("together_skipped", "tr"))
    ]


async def test_a_question_opened_for_one_partner_is_not_answered_for_the_next(
    pair_coach,
) -> None:
    """Sam opens Alex's question from the reminder, then links with Kim before typing:
    the words go on as usual (to the talk Sam is in), never as a couple answer for Kim."""
    await link(pair_coach, ALEX, EN_SAM)
    await pair_coach.press(EN_SAM, "t|other")
    await pair_coach.press(EN_SAM, "n|other|a|0")  # Sam is at step B of another talk
    answer_now = await remind_sam(pair_coach)
    await pair_coach.press(EN_SAM, answer_now)
    await unlink(pair_coach, ALEX, EN_SAM)
    await link(pair_coach, EN_SAM, KIM)
    await pair_coach.press(KIM, "t|topic")
    await pair_coach.text(KIM, "sunday mornings")  # Kim answered the same question
    outs = await pair_coach.text(EN_SAM, "long walks")
    assert texts(outs, KIM) == [] and texts(outs, ALEX) == []
    assert all("sunday mornings" not in t for t in texts(outs, EN_SAM))
    assert texts(outs, EN_SAM)[-1].endswith("Other finished."), "step B took the words"


async def test_a_question_that_stopped_being_a_couple_question_lets_the_words_go_on(
    sqlite_url: str, pair_content: Content, tmp_path: Path, clock
) -> None:
    """The dialogs were updated while Sam's question from the reminder was open: the
    question is no longer one for both, so the typed words are not taken as its answer."""
    coach = await make_coach(sqlite_url, pair_content, clock)
    await link(coach, ALEX, EN_SAM)
    await coach.press(EN_SAM, "t|other")
    await coach.press(EN_SAM, "n|other|a|0")
    answer_now = await remind_sam(coach)
    await coach.press(EN_SAM, answer_now)
    alone = TOPIC.replace("together: true", "together: false")
    files = {"pair.yaml": PAIR, "topic.yaml": alone, "other.yaml": OTHER}
    updated = load_content(write_dialogs(tmp_path / "u", files, topics=["pair", "topic", "other"]))
    after = await make_coach(sqlite_url, updated, clock)
    outs = await after.text(EN_SAM, "long walks")
    assert texts(outs, ALEX) == []
    assert all("cooking together" not in t for t in texts(outs, EN_SAM))
    assert texts(outs, EN_SAM)[-1].endswith("Other finished."), "step B took the words"


async def test_a_question_from_the_reminder_is_acknowledged_in_the_persons_language(
    pair_coach,
) -> None:
    await link(pair_coach, ALEX, SAM)
    await pair_coach.press(ALEX, "t|topic")
    outs = await pair_coach.text(ALEX, "cooking together")
    answer_now = buttons(outs, SAM)[pair_coach.content.t("together_answer_now", "tr")]
    await pair_coach.press(SAM, answer_now)
    [to_sam] = texts(await pair_coach.text(SAM, "uzun yürüyüşler"), SAM)
    assert to_sam.startswith("Bunun için teşekkürler.")


async def test_blank_words_are_no_answer_and_go_on_to_the_talk(pair_coach) -> None:
    """Spaces are not Sam's couple answer: they go to the talk Sam is in, whose
    question asks for a few words and waits; real words then finish it."""
    await link(pair_coach, ALEX, EN_SAM)
    await pair_coach.press(EN_SAM, "t|other")
    await pair_coach.press(EN_SAM, "n|other|a|0")
    answer_now = await remind_sam(pair_coach)
    await pair_coach.press(EN_SAM, answer_now)
    outs = await pair_coach.text(EN_SAM, "  ")
    assert texts(outs, ALEX) == [], "nothing saved as Sam's couple answer"
    asked = texts(outs, EN_SAM)[-1]
    words = pair_coach.content.t("answer_in_words", "en")
    assert asked.startswith(words) and asked.endswith("Step B: what do you hope for?"), asked
    outs = await pair_coach.text(EN_SAM, "more time together")
    assert texts(outs, EN_SAM)[-1].endswith("Other finished."), "the talk had them"


@pytest.mark.parametrize("last", ["sam", "alex"])
async def test_the_reveal_shows_the_question_and_the_partners_name_in_each_ones_language(
    pair_coach, last
) -> None:
    """Whoever answers last (Sam in Turkish, or Alex in English), each reads it in theirs."""
    await link(pair_coach, ALEX, SAM)
    if last == "sam":
        await answer(pair_coach, ALEX, "your laugh")
        outs = await answer(pair_coach, SAM, "senin sabrın")
    else:
        await answer(pair_coach, SAM, "senin sabrın")
        outs = await answer(pair_coach, ALEX, "your laugh")
    [to_alex] = [t for t in texts(outs, ALEX) if "senin sabrın" in t]
    [to_sam] = [t for t in texts(outs, SAM) if "your laugh" in t]
    assert "One thing you love about us?" in to_alex and "Sam" in to_alex
    assert "Bizde sevdiğin bir şey?" in to_sam and "Alex" in to_sam


async def test_answer_now_at_that_very_question_shows_it_again_and_the_talk_goes_on(
    pair_coach,
) -> None:
    """Sam is already at the question in the topic: "Answer now" shows that step again
    (in Sam's language), and the answer is the conversation's: it goes on from there."""
    await link(pair_coach, ALEX, SAM)
    await pair_coach.press(SAM, "t|topic")
    assert await state_of(pair_coach, SAM) == DialogState("topic", "q")
    await pair_coach.press(ALEX, "t|topic")
    outs = await pair_coach.text(ALEX, "cooking together")
    answer_now = buttons(outs, SAM)[pair_coach.content.t("together_answer_now", "tr")]
    again = texts(await pair_coach.press(SAM, answer_now), SAM)
    assert again == ["İkinizin sorusu: ne zaman yakın hissedersin?"]
    after = " ".join(texts(await pair_coach.text(SAM, "uzun yürüyüşler"), SAM))
    assert "cooking together" in after and "Kapanış alıştırması" in after


TWO = """
id: two
title: {en: Two questions, tr: İki soru}
start: first
nodes:
  first:
    text: {en: "A long first question about the two of you?", tr: "İkiniz hakkında uzun ilk soru?"}
    ask:
      key: first
      together: true
      shareable: false
      summary: {en: "First, in short", tr: "Kısaca ilk"}
    next: second
  second:
    text: {en: "The second question?", tr: "İkinci soru?"}
    ask: {key: second, together: true, shareable: false}
    next: bye
  bye:
    text: {en: Bye, tr: Hoşça kal}
    end: true
"""


@pytest.fixture
async def two_coach(sqlite_url: str, tmp_path: Path, clock) -> Coach:
    files = {"pair.yaml": PAIR, "two.yaml": TWO, "topic.yaml": TOPIC}
    topics = ["pair", "two", "topic"]
    content = load_content(write_dialogs(tmp_path / "two", files, topics=topics))
    return await make_coach(sqlite_url, content, clock)


async def test_the_reveal_names_the_question_by_its_short_form_when_it_has_one(
    two_coach,
) -> None:
    await link(two_coach, ALEX, SAM)
    await two_coach.press(ALEX, "t|two")
    await two_coach.text(ALEX, "yes")
    await two_coach.press(SAM, "t|two")
    [to_alex] = texts(await two_coach.text(SAM, "evet"), ALEX)
    assert "First, in short" in to_alex and "A long first question" not in to_alex


async def test_only_the_partners_answer_to_the_same_question_is_revealed(two_coach) -> None:
    """Alex answered a question of the same name in another topic, and another question
    of the same topic; Sam's answers wait for Alex's answers to those very questions."""
    await link(two_coach, ALEX, SAM)
    await two_coach.press(ALEX, "t|topic")
    await two_coach.text(ALEX, "topic answer")  # node "q", as in "pair"
    await two_coach.handle(ALEX, lambda turn: begin_at(turn, "two", "second"))
    await two_coach.text(ALEX, "second answer")
    for topic in ("pair", "two"):
        await two_coach.press(SAM, f"t|{topic}")
        outs = await two_coach.text(SAM, f"Sam on {topic}")
        assert len(texts(outs, ALEX)) == 1, "Alex is reminded of that question"
        everything = " ".join(o.text for o in outs)
        assert "topic answer" not in everything and "second answer" not in everything


async def test_the_reveal_shows_the_partners_newest_answer(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "your laugh")
    await answer(pair_coach, ALEX, "your kindness")  # Alex changed their mind
    outs = await answer(pair_coach, SAM, "senin sabrın")
    [to_alex] = texts(outs, ALEX)
    assert "your kindness" in to_alex and "your laugh" not in to_alex


@pytest.mark.parametrize("quiet", [ALEX, SAM], ids=["answered_first", "answers_now"])
async def test_nothing_is_revealed_while_either_partner_is_in_quiet_mode(pair_coach, quiet) -> None:
    await link(pair_coach, ALEX, SAM)
    await answer(pair_coach, ALEX, "your laugh")
    await update_user(pair_coach, quiet, quiet=True)
    outs = await answer(pair_coach, SAM, "senin sabrın")
    assert all("your laugh" not in t for t in texts(outs, SAM))
    assert all("senin sabrın" not in t for t in texts(outs, ALEX))


async def test_an_answer_in_a_couple_whose_other_member_is_gone_is_kept_as_if_alone(
    pair_coach,
) -> None:
    """The couple row outlived the partner's (a half-finished erasure, say): the answer is
    kept and the note about linking said, as for someone alone."""
    await pair_coach.run_command(ALEX, "help")
    await link_rows(pair_coach.sessions, ALEX.user_id)
    outs = await answer(pair_coach, ALEX, "your laugh")
    note = pair_coach.content.t("together_no_partner", "en")
    assert any(note in t for t in texts(outs, ALEX))


async def test_the_reminder_names_the_topic_in_the_partners_language(pair_coach) -> None:
    await link(pair_coach, ALEX, SAM)
    await pair_coach.press(ALEX, "t|topic")
    [reminder] = texts(await pair_coach.text(ALEX, "cooking together"), SAM)
    assert "Yakınlık" in reminder and "Closeness" not in reminder


async def test_a_reminder_or_reveal_that_cannot_arrive_is_named_to_its_sender(
    pair_coach, clock
) -> None:
    """Each partner message says which talk it is about, so that if the partner blocked the
    bot its sender is told what did not arrive by the topic's name (never the words)."""
    from bot.outbox.store import Outbox
    from bot.sending import Outcome

    await link(pair_coach, ALEX, SAM)
    outs = await answer(pair_coach, ALEX, "your laugh")
    [reminder] = [o for o in outs if o.chat_id == SAM.chat_id]
    outs = await answer(pair_coach, SAM, "senin sabrın")
    [reveal] = [o for o in outs if o.chat_id == ALEX.chat_id]
    outbox = Outbox(pair_coach.sessions, clock, owner="first", content=pair_coach.content)
    told = []
    for sent in (reminder, reveal):
        async with outbox.sessions() as session, session.begin():
            [staged] = await outbox.stage(session, [sent], clock())
        assert await outbox.admit(staged)
        await outbox.done(staged, Outcome.BLOCKED)
        told += [o.text for o in await outbox.reclaim()]
    t = pair_coach.content.t
    what = t("undelivered_what_together_reminder", "en", title="Pair")
    to_alex = t("undelivered_blocked", "en", what=what, partner="Sam")
    what = t("undelivered_what_together_reveal", "tr", title="Çift")
    to_sam = t("undelivered_blocked", "tr", what=what, partner="Alex")
    assert told == [to_alex, to_sam]
