"""Guided conversations through the coach: menu, progress, resume, privacy of answers."""

from __future__ import annotations

from sqlmodel import select

from bot.coach import Coach
from bot.engine import callbacks
from bot.storage.models import Reflection
from bot.turn import Person
from tests.support.people import ALEX, KIM, SAM, buttons, link, texts, unlink


async def walk_to_question(coach, person=ALEX):
    """Open 'redefining' and tap until its first free-text question."""
    outs = await coach.press(person, callbacks.Topic("redefining").pack())
    while True:
        labels = buttons(outs, person)
        if not labels:
            return outs
        outs = await coach.press(person, next(iter(labels.values())))


async def test_start_greets_in_one_message_and_opens_welcome(coach) -> None:
    outs = await coach.run_command(ALEX, "start")
    [said] = texts(outs, ALEX)
    assert "not therapy or emergency care" in said and "Let's get to know" in said
    assert said.startswith(coach.content.t("start_intro", "en", name=", Alex")), "by name"
    assert buttons(outs, ALEX), "the welcome dialog begins with buttons"


async def test_start_mid_conversation_greets_and_goes_on_where_the_person_was(coach) -> None:
    question = texts(await walk_to_question(coach), ALEX)[-1]
    [said] = texts(await coach.run_command(ALEX, "start"), ALEX)
    assert said.startswith(coach.content.t("start_intro", "en", name=", Alex"))
    assert said.endswith(question)


async def test_start_shows_the_topics_once_the_welcome_was_had(coach, content) -> None:
    async def welcomed(turn) -> None:
        await turn.store.record_progress(
            turn.user.id, "welcome", node=None, now=turn.now, done=True
        )

    await coach.handle(ALEX, welcomed)
    [said] = texts(await coach.run_command(ALEX, "start"), ALEX)
    assert said.startswith(content.t("start_intro", "en", name=", Alex"))
    assert said.endswith(content.t("topics_title", "en"))


async def test_someone_telegram_gives_no_name_is_greeted_without_one(coach) -> None:
    nameless = Person(1004, 1004, "", "en")
    [said] = texts(await coach.run_command(nameless, "start"), nameless)
    assert said.startswith(coach.content.t("start_intro", "en", name=""))  # "Hi! I'm…"


async def test_someone_new_who_just_says_hi_is_welcomed(coach) -> None:
    [said] = texts(await coach.text(KIM, "hi"), KIM)
    assert said.startswith(coach.content.t("start_intro", "en", name=", Kim"))
    assert "Let's get to know" in said


async def test_start_in_turkish_follows_telegram_language(coach) -> None:
    outs = await coach.run_command(SAM, "start")
    assert "Merhaba" in texts(outs, SAM)[0]


async def test_help_lists_every_menu_command(coach) -> None:
    said = texts(await coach.run_command(ALEX, "help"), ALEX)[0]
    t = coach.content.t
    listed = [f"/{n} — {t('cmd_' + n, 'en')}" for n, c in coach.commands.items() if c.in_menu]
    assert said.split("\n") == [t("help_header", "en"), *listed, t("help_footer", "en")]
    for name, command in coach.commands.items():
        assert (f"/{name}" in said) == command.in_menu


async def test_unknown_command_is_answered_kindly(coach) -> None:
    outs = await coach.run_command(ALEX, "dance")
    assert outs[0].notice and "/help" in outs[0].text


async def test_topics_show_progress_and_resume_where_left(coach, content) -> None:
    await walk_to_question(coach)
    menu = buttons(await coach.run_command(ALEX, "topics"), ALEX)
    title = content.title("redefining", "en")
    assert f"{content.t('status_in_progress', 'en')} {title}" in menu
    resumed = await coach.press(ALEX, callbacks.Topic("redefining").pack())
    question_texts = texts(await walk_to_question(coach), ALEX)
    assert texts(resumed, ALEX) == question_texts[-1:]


async def test_stale_and_forged_buttons_change_nothing(coach) -> None:
    outs = await coach.press(ALEX, callbacks.Topic("redefining").pack())
    first = next(iter(buttons(outs, ALEX).values()))
    await coach.press(ALEX, first)
    again = await coach.press(ALEX, first)
    assert again[0].notice and again[0].text == coach.content.t("stale_button", "en")
    for forged in ["", "n|redefining", "zz|1", "n|redefining|open|99", "x" * 80, "t|nope"]:
        outs = await coach.press(ALEX, forged)
        assert len(outs) == 1 and outs[0].notice


async def test_a_private_answer_never_reaches_the_partner(coach) -> None:
    await link(coach, ALEX, SAM)
    await walk_to_question(coach)
    outs = await coach.text(ALEX, "my very private thought")
    assert all(o.chat_id == ALEX.chat_id for o in outs)
    keep = buttons(outs, ALEX)[coach.content.t("keep_private", "en")]
    outs = await coach.press(ALEX, keep)
    assert all("my very private thought" not in o.text for o in outs if o.chat_id == SAM.chat_id)
    # Replaying the share button later is stale: the private answer stays private.
    late = await coach.press(ALEX, keep.replace("|0", "|1"))
    assert [o.chat_id for o in late] == [ALEX.chat_id]


async def test_a_shared_answer_reaches_the_partner_marked_as_shared(coach) -> None:
    await link(coach, ALEX, SAM)
    await walk_to_question(coach)
    outs = await coach.text(ALEX, "we never talk about money")
    share = buttons(outs, ALEX)[coach.content.t("share_with_partner", "en")]
    outs = await coach.press(ALEX, share)
    to_sam = texts(outs, SAM)
    assert len(to_sam) == 1 and "we never talk about money" in to_sam[0] and "Alex" in to_sam[0]
    told = next(o for o in outs if o.chat_id == ALEX.chat_id)
    assert told.replace and told.text == coach.content.t("shared", "en", partner="Sam")
    async with coach.sessions() as session:
        rows = (await session.exec(select(Reflection))).all()
    assert [r.shared for r in rows] == [True]


async def test_without_a_partner_no_share_question_is_asked(coach) -> None:
    await walk_to_question(coach, KIM)
    outs = await coach.text(KIM, "thinking")
    assert coach.content.t("share_question", "en") not in texts(outs, KIM)


async def test_media_gets_a_kind_answer_and_the_dialog_stays(coach) -> None:
    await walk_to_question(coach)
    outs = await coach.unsupported(ALEX)
    assert outs[0].text == coach.content.t("unsupported_message", "en")
    assert texts(await coach.text(ALEX, "still here"), ALEX), "the question still takes an answer"


async def test_very_long_answers_are_kept_whole(coach) -> None:
    await walk_to_question(coach, KIM)
    long = "word " * 900
    await coach.text(KIM, long)
    async with coach.sessions() as session:
        stored = (await session.exec(select(Reflection))).one()
    assert stored.text == long


async def test_finishing_every_topic_is_acknowledged(coach, content) -> None:
    for topic in content.topics:
        outs = await coach.press(KIM, callbacks.Topic(topic).pack())
        for _ in range(60):
            labels = buttons(outs, KIM)
            if labels and any(d.startswith("t|") or d.startswith("m|") for d in labels.values()):
                break
            outs = await (
                coach.press(KIM, next(iter(labels.values())))
                if labels
                else coach.text(KIM, "an answer")
            )
    menu = texts(await coach.run_command(KIM, "topics"), KIM)[0]
    assert content.t("topics_all_done", "en") in menu


async def test_resuming_twice_still_returns_to_the_same_step(coach) -> None:
    question = texts(await walk_to_question(coach), ALEX)[-1]
    for _ in range(2):
        await coach.run_command(ALEX, "help")
        resumed = await coach.press(ALEX, callbacks.Topic("redefining").pack())
        assert texts(resumed, ALEX) == [question]


async def test_sharing_with_a_partner_who_blocked_the_bot_says_so_plainly(coach) -> None:
    from bot.storage.models import User

    await link(coach, ALEX, SAM)
    async with coach.sessions() as session, session.begin():
        (await session.get(User, SAM.user_id)).active = False
    await walk_to_question(coach)
    outs = await coach.text(ALEX, "a thought for Sam")
    outs = await coach.press(ALEX, buttons(outs, ALEX)[coach.content.t("share_with_partner", "en")])
    said = texts(outs, ALEX)
    assert coach.content.t("partner_unavailable", "en") in said
    assert coach.content.t("shared", "en", partner="Sam") not in said
    assert texts(outs, SAM) == []
    async with coach.sessions() as session:
        rows = (await session.exec(select(Reflection))).all()
    assert [r.shared for r in rows] == [False]


async def test_an_answer_written_for_one_partner_never_reaches_a_later_one(coach) -> None:

    await link(coach, ALEX, SAM)
    await walk_to_question(coach)
    outs = await coach.text(ALEX, "something only about Sam")
    share = buttons(outs, ALEX)[coach.content.t("share_with_partner", "en")]
    await unlink(coach, ALEX, SAM)
    await link(coach, ALEX, KIM)
    outs = await coach.press(ALEX, share)
    assert texts(outs, KIM) == []
    assert all("only about Sam" not in o.text for o in outs)


def test_two_features_cannot_claim_the_same_button_or_command(coach) -> None:
    from dataclasses import dataclass

    import pytest

    from bot.engine.payloads import Payload
    from bot.features import FEATURES
    from bot.plugins import Command, Feature

    async def nothing(*_: object) -> None:
        return None

    @dataclass(frozen=True)
    class TwinNav(Payload, prefix="n"):  # the same prefix as the dialogs' own buttons
        dialog: str

    def twin_button(context: object) -> Feature:
        return Feature("twin", buttons={TwinNav: nothing})

    def twin_command(context: object) -> Feature:
        return Feature("twin", commands={"help": Command(nothing)})

    for twin, what in ((twin_button, "button kind 'n'"), (twin_command, "command 'help'")):
        with pytest.raises(ValueError, match=f"feature 'twin': {what} is registered twice"):
            Coach(coach.content, coach.sessions, features=(*FEATURES, twin))


async def test_the_topic_marks_are_explained_where_they_are_shown(coach) -> None:
    [menu] = texts(await coach.run_command(ALEX, "topics"), ALEX)
    assert "○ not started" in menu and "◐ in progress" in menu and "● done" in menu


async def test_the_closing_opens_by_how_far_the_person_has_come(coach) -> None:
    from bot.engine import callbacks

    said = " ".join(texts(await coach.press(ALEX, callbacks.Topic("closing").pack()), ALEX))
    assert "You've come a long way" not in said and "fine to read it early" in said

    async def finish_four(turn) -> None:
        for topic in coach.content.topics[:4]:
            await turn.store.record_progress(
                turn.user.id, topic, node=None, now=turn.now, done=True
            )

    await coach.handle(SAM, finish_four)
    said = " ".join(texts(await coach.press(SAM, callbacks.Topic("closing").pack()), SAM))
    assert "You've come a long way" in said or "Bu sohbetlerde uzun bir yol" in said


async def test_the_closing_opens_as_the_long_way_from_the_fourth_finished_topic(coach) -> None:
    async def opening_after(person, finished) -> str:
        async def finish(turn) -> None:
            for topic in finished:
                await turn.store.record_progress(
                    turn.user.id, topic, node=None, now=turn.now, done=True
                )

        await coach.handle(person, finish)
        outs = await coach.press(person, callbacks.Topic("closing").pack())
        return " ".join(texts(outs, person))

    three = await opening_after(ALEX, coach.content.topics[:3])
    assert "fine to read it early" in three and "You've come a long way" not in three
    four = await opening_after(KIM, coach.content.topics[:4])
    assert "You've come a long way" in four


async def test_a_long_shared_answer_reaches_the_partner_whole_in_labelled_parts(coach) -> None:
    """An answer near Telegram's limit no longer fits once framed for the partner: it goes
    in parts, each within the limit and marked (1/2), (2/2); the author is told so, in place
    of the share question, and a second tap sends nothing more."""
    words = [f"word{i}" for i in range(700)]
    answer = " ".join(words)[:4050].rsplit(" ", 1)[0]
    await link(coach, ALEX, SAM)
    await walk_to_question(coach)
    outs = await coach.text(ALEX, answer)
    share = buttons(outs, ALEX)[coach.content.t("share_with_partner", "en")]
    outs = await coach.press(ALEX, share)
    parts = texts(outs, SAM)
    assert len(parts) == 2 and all(len(p) <= 4096 for p in parts)
    assert parts[0].endswith(" (1/2)") and parts[1].endswith(" (2/2)")
    joined = " ".join(p.rsplit(" (", 1)[0] for p in parts)
    assert answer.split() == joined.split()[-len(answer.split()) :]
    told = next(o for o in outs if o.chat_id == ALEX.chat_id)
    assert told.replace and told.text.startswith(
        coach.content.t("shared_in_parts", "en", parts=2, partner="Sam")
    )
    again = await coach.press(ALEX, share)
    assert texts(again, SAM) == []


async def test_the_all_topics_button_shows_the_topics(coach, content) -> None:
    outs = await coach.press(ALEX, callbacks.TopicsMenu().pack())
    assert texts(outs, ALEX)[-1].endswith(content.t("topics_title", "en"))
    title = content.title("redefining", "en")
    assert any(title in label for label in buttons(outs, ALEX))


async def test_topics_gathers_every_features_part_around_the_conversations(coach) -> None:
    """/topics: the suggestions (why, and a button each) above the conversations; below
    them the check, then the Talk Table for a linked person; the calm break closes it."""
    coach.bot_username = "attune_test_bot"  # the Talk Table's button is a t.me link
    await link(coach, ALEX, SAM)
    [menu] = [o for o in await coach.run_command(ALEX, "topics") if o.chat_id == ALEX.chat_id]
    t = coach.content.t
    suggestions, title = menu.text.rsplit("\n\n", 1)  # each part its own paragraph
    assert suggestions.startswith(t("path_suggested_title", "en"))
    assert title == t("topics_title", "en")
    labels = [row[0].label for row in menu.keyboard]
    topics = coach.content.topics
    suggested = labels[: -len(topics) - 3]
    assert suggested, "suggestions come first"
    for label in suggested:
        assert label in {
            t("path_suggestion_button", "en", title=coach.content.title(d, "en")) for d in topics
        }
    listed = labels[len(suggested) : len(suggested) + len(topics)]
    assert [label.split(" ", 1)[1] for label in listed] == [
        coach.content.title(d, "en") for d in topics
    ]
    assert labels[-3:] == [
        t("path_take_check", "en"),
        t("table_open_button", "en"),
        t("menu_need_a_break", "en"),
    ]


async def test_topics_are_listed_in_the_persons_language(coach) -> None:
    menu = buttons(await coach.run_command(SAM, "topics"), SAM)
    for dialog in coach.content.topics:
        title = coach.content.title(dialog, "tr")
        assert title != coach.content.title(dialog, "en")
        assert any(label.endswith(title) for label in menu), title
