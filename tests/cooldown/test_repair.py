"""The way back: the gentle start-up builder and sending its sentence."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.coach import Coach
from bot.config import PROJECT_ROOT, Settings
from bot.cooldown import phases
from bot.cooldown.data import HOSTILITY
from bot.cooldown.hostility import hostile
from bot.features import FEATURES
from bot.storage.db import session_factory
from tests.cooldown.conftest import make_couple
from tests.cooldown.support import latest_cooldown, sweep, take_break


async def ready_to_talk(coach, couple, en, clock) -> None:
    """Alex takes a break (without a notice) and says "ready" when it ends."""
    await take_break(couple.alex, en)
    await couple.alex.press(en("cooldown_notice_skip"))
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    await couple.alex.press(en("cooldown_ready"))


async def test_ready_opens_the_gentle_start_up(coach, couple, en, clock):
    await ready_to_talk(coach, couple, en, clock)
    assert couple.alex.texts[-2:] == [en("cooldown_repair_intro"), en("cooldown_topic_question")]
    assert "When …, I felt …. Could we …?" in en("cooldown_repair_intro")


async def test_you_never_is_spotted_and_a_rewrite_offered_then_sent_with_consent(
    coach, couple, en, clock
):
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("I hate that you never listen to me!")
    assert alex.last == en(
        "cooldown_rewrite", phrase="you never", suggestion="you don't listen to me"
    )
    assert alex.labels() == [en("cooldown_use_rewrite"), en("cooldown_keep_mine")]

    await alex.press(en("cooldown_use_rewrite"))
    assert alex.last == en("cooldown_feeling_question")
    await alex.press(en("cooldown_feeling_lonely"))
    assert alex.last == en("cooldown_need_question")
    await alex.send("Could we have ten minutes together without our phones?")

    statement = (
        "When you don't listen to me, I felt lonely. "
        "Could we have ten minutes together without our phones?"
    )
    assert alex.last == en("cooldown_done", statement=statement)
    assert "listen before you try to convince" in alex.last
    assert sam.inbox == [], "nothing goes before the person chooses to send it"

    await alex.press(en("cooldown_statement_send"))
    assert sam.texts == [en("cooldown_partner_statement", name="Alex", statement=statement)]
    assert alex.texts[-2] == en("cooldown_statement_sent")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.outcome == phases.SENT and cd.closed_at is not None

    alex.clear()
    await sam.press(en("cooldown_heard"))
    assert alex.texts == [en("cooldown_starter_heard", name="Sam")]
    assert sam.last == en("cooldown_heard_thanks")
    await sam.press_data(sam.button(en("cooldown_heard")))
    assert alex.texts == [en("cooldown_starter_heard", name="Sam")], "told once"


async def test_keeping_ones_own_words(coach, couple, en, clock):
    alex = couple.alex
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("You always leave the dishes")
    await alex.press(en("cooldown_keep_mine"))
    await alex.send("I feel overwhelmed")  # a feeling typed instead of tapped
    await alex.send("make a plan for the evenings")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.statement == (
        "When you always leave the dishes, I felt overwhelmed. "
        "Could we make a plan for the evenings?"
    )


async def test_typing_it_again_at_the_rewrite_step_is_checked_again(coach, couple, en, clock):
    alex = couple.alex
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("You never call")
    await alex.send("The call I waited for on Friday.")
    assert alex.last == en("cooldown_feeling_question"), "no generalisation left"
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.topic == "the call I waited for on Friday"


async def test_a_sentence_without_generalisations_goes_straight_on(coach, couple, en, clock):
    alex = couple.alex
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("the dishes last night")
    assert alex.last == en("cooldown_feeling_question")
    assert len(alex.labels()) == len(phases.FEELINGS)


async def test_too_long_an_answer_is_asked_to_be_shorter(coach, couple, en, clock):
    alex = couple.alex
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("and then " * 60)
    assert alex.last == en("cooldown_too_long")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.phase == phases.TOPIC and cd.topic is None


async def test_starting_again_and_keeping_it_private(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("the dishes")
    await alex.press(en("cooldown_feeling_sad"))
    await alex.send("help")
    await alex.press(en("cooldown_statement_again"))
    assert alex.last == en("cooldown_topic_question")
    await alex.send("the weekend plans")
    await alex.press(en("cooldown_feeling_worried"))
    await alex.send("to decide together")
    await alex.press(en("cooldown_statement_keep"))
    assert en("cooldown_statement_kept") in alex.texts
    assert sam.inbox == []
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.outcome == phases.KEPT
    assert cd.statement == "When the weekend plans, I felt worried. Could we decide together?"


async def test_buttons_of_a_sent_sentence_are_stale(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("the dishes")
    await alex.press(en("cooldown_feeling_sad"))
    await alex.send("help")
    send = alex.button(en("cooldown_statement_send"))
    await alex.press_data(send)
    outs = await alex.press_data(send)
    assert [o.text for o in outs] == [en("stale_button")]
    assert len(sam.texts) == 1, "sent once"


async def test_safety_signals_go_to_the_safety_flow_never_to_the_partner(coach, couple, en, clock):
    """The safety screen sees text before the cooldown: crisis lines, nothing to Sam,
    and the break's script stops like any other (no return prompt either)."""
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    await alex.press(en("cooldown_end_early"))
    await alex.press(en("cooldown_ready"))
    sam.clear()

    await alex.send("You never see that I want to hurt myself")  # in the builder
    assert en("safety_ask_safe") in alex.last
    rewrite_offer = en("cooldown_rewrite", phrase="\0", suggestion="").split("\0")[0]
    assert not any(t.startswith(rewrite_offer) for t in alex.texts), "the builder never saw it"
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.topic is None, "nothing of it was kept"

    await alex.send("the dishes")  # the builder does not carry on
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.outcome == phases.HELD and cd.topic is None
    assert sam.inbox == []


async def test_a_safety_signal_during_the_break_holds_the_return_prompt(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    sam.clear()
    await alex.send("I want to hurt myself")
    assert en("safety_ask_safe") in alex.last
    clock.advance(minutes=20)
    assert await sweep(coach, couple.router) == []
    clock.advance(minutes=15)
    assert await sweep(coach, couple.router) == []
    assert sam.inbox == []


async def test_an_insult_is_never_framed_as_a_gentle_start(coach, couple, en, clock):
    """The issue's own example: this once came back as "Here is your gentle start"."""
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("You are so selfish and lazy")
    assert alex.last == en("cooldown_hostile", why=en("cooldown_hostile_label"))
    assert alex.inbox[-1].keyboard == (), "no button to use or send these words"
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.phase == phases.TOPIC and cd.topic is None, "asked again, nothing kept"

    await alex.send("what's wrong with you")
    assert alex.last == en("cooldown_hostile", why=en("cooldown_hostile_contempt"))
    await alex.send("you came home late yesterday without texting")
    await alex.press(en("cooldown_feeling_worried"))
    await alex.send("you idiot")  # the wish is checked too
    assert alex.last == en("cooldown_hostile", why=en("cooldown_hostile_name_calling"))
    await alex.send("text each other when plans change")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.statement == (
        "When you came home late yesterday without texting, I felt worried. "
        "Could we text each other when plans change?"
    )
    assert sam.inbox == []


async def test_how_might_this_land_shows_exactly_what_the_partner_would_read(
    coach, couple, en, clock
):
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("the dishes last night")
    await alex.press(en("cooldown_feeling_hurt"))
    await alex.send("take turns with the dishes")
    statement = "When the dishes last night, I felt hurt. Could we take turns with the dishes?"
    assert en("cooldown_statement_land") in alex.labels()
    await alex.press(en("cooldown_statement_land"))
    message = en("cooldown_partner_statement", name="Alex", statement=statement)
    assert alex.last == en("cooldown_landing", partner="Sam", message=message)
    assert sam.inbox == [], "a preview sends nothing"
    await alex.press(en("cooldown_statement_send"))
    assert sam.texts == [message]


async def test_the_partner_can_say_they_need_a_moment(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("the weekend plans")
    await alex.press(en("cooldown_feeling_worried"))
    await alex.send("decide together")
    await alex.press(en("cooldown_statement_send"))
    assert sam.labels() == [en("cooldown_heard"), en("cooldown_moment")]
    alex.clear()
    await sam.press(en("cooldown_moment"))
    assert alex.texts == [en("cooldown_starter_moment", name="Sam")]
    assert sam.last == en("cooldown_moment_thanks", name="Alex")


async def statement_ready(coach, couple, en, clock):
    """Alex's gentle start about the dishes, built and waiting for "send"."""
    alex = couple.alex
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("the dishes")
    await alex.press(en("cooldown_feeling_sad"))
    await alex.send("talk tonight")
    return await latest_cooldown(coach, alex.person.user_id)


async def store_statement(coach, cd, statement: str) -> None:
    """Put words in the stored statement behind the builder's back (an older version's)."""
    async with coach.sessions() as session, session.begin():
        row = await session.get(type(cd), cd.id)
        row.statement = statement
        session.add(row)


async def test_hostile_words_already_stored_are_never_sent(coach, couple, en, clock):
    """Even a sentence that somehow holds an insult (an older version) is refused at "send"."""
    alex, sam = couple.alex, couple.sam
    cd = await statement_ready(coach, couple, en, clock)
    await store_statement(coach, cd, "When you're a lazy slob, I felt hurt. Could we change?")
    await alex.press(en("cooldown_statement_send"))
    assert sam.inbox == []
    assert alex.last == en("cooldown_hostile_statement")


async def test_an_insult_that_slips_past_the_lists_is_not_sent_inside_the_frame(
    coach, couple, en, clock
):
    """The builder's own sentence is read by the classifier too, sentence by sentence, the
    leave for a kept "you never" taken per sentence: "a walking disaster" is in no list,
    and the whole text, read as typed, would be left to the "you never" rewrite."""
    alex, sam = couple.alex, couple.sam
    cd = await statement_ready(coach, couple, en, clock)
    statement = (
        "When you never listen, I felt hurt. "
        "Could we stop pretending you are anything but a walking disaster?"
    )
    assert hostile(statement, HOSTILITY.load(PROJECT_ROOT / "data", ("en", "tr"))) is None, (
        "read as typed text the sentence passes: the test needs the builder's reading"
    )
    await store_statement(coach, cd, statement)
    await alex.press(en("cooldown_statement_send"))
    assert sam.inbox == []
    assert alex.last == en("cooldown_hostile_statement")


async def test_words_prepared_without_a_break_never_mention_one(coach, couple, en):
    alex, sam = couple.alex, couple.sam
    await alex.command("cooldown")
    await alex.press(en("cooldown_check_none"))
    await alex.press(en("cooldown_prepare_now"))
    await alex.send("the dishes")
    await alex.press(en("cooldown_feeling_lonely"))
    await alex.send("a calm talk tonight")
    await alex.press(en("cooldown_statement_send"))
    [notice] = sam.texts
    assert "break" not in notice and "Alex wrote this as a gentle way" in notice


async def test_grounding_says_plainly_that_nothing_needs_typing(en):
    assert "Nothing needs typing" in en("cooldown_ground_intro")


async def test_a_false_alarm_in_the_builder_comes_back_to_it_with_the_words(
    coach, couple, en, clock
):
    """Issue 13: a misread message used to throw away what was being written. "That's
    not what I meant" gives it back to the builder, at the step it was typed at."""
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    sam.clear()
    words = "He kills me with his puns at dinner"
    await alex.send(words)
    assert en("safety_ask_safe") in alex.last, "read as a signal first"
    await alex.press(en("safety_not_meant"))
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.outcome is None, "the break is still open"
    assert cd.topic == "he kills me with his puns at dinner", "the builder took the words back"
    assert alex.texts[-2] == en("safety_not_meant_reply")
    assert sam.inbox == []


async def test_a_builder_question_gives_way_to_a_question_asked_after_it(coach, couple, en, clock):
    """The builder asks what happened; then Alex asks to type a check-in time. The time
    question is the open one; the builder's step is asked again once it is answered."""
    alex = couple.alex
    await ready_to_talk(coach, couple, en, clock)
    assert alex.last == en("cooldown_topic_question")
    await alex.press_data("ns|t")  # the check-in time menu, which takes a typed time
    await alex.send("21:30")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.topic is None, "the time was not taken for what happened"
    await alex.send("We argued about the dishes")
    assert alex.texts[-2:] == [en("cooldown_text_during"), en("cooldown_topic_question")]
    await alex.send("We argued about the dishes")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.topic is not None and "dishes" in cd.topic


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The shipped data, with one more insult in the English hostility list."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns("*.db*"))
    lists = data / "cooldown" / "hostility" / "en.yaml"
    raw = yaml.safe_load(lists.read_text(encoding="utf-8"))
    raw["categories"]["name_calling"].append("pineapple brain")
    lists.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return data


async def test_the_builder_reads_its_hostility_lists_from_the_data_directory(
    engine, content, clock, data_dir, en
):
    """What check-content validated in DATA_DIR is what the builder refuses (not a copy)."""
    shipped = HOSTILITY.load(PROJECT_ROOT / "data", content.languages)
    assert hostile("When my pineapple brain forgot the keys", shipped) is None
    coach = Coach(content, session_factory(engine), clock, Settings(data_dir=data_dir), FEATURES)
    couple = await make_couple(coach)
    await ready_to_talk(coach, couple, en, clock)
    await couple.alex.send("When my pineapple brain forgot the keys")
    assert couple.alex.last == en("cooldown_hostile", why=en("cooldown_hostile_name_calling"))
    cd = await latest_cooldown(coach, couple.alex.person.user_id)
    assert cd.phase == phases.TOPIC and cd.topic is None, "asked again; nothing kept"


async def test_the_sender_without_a_break_is_not_told_before_the_break(coach, couple, en):
    """Issue 15, item 8: words prepared right away (no timed break) end with "You were
    in the middle of …", never "Before the break …"."""
    alex = couple.alex
    await alex.press_data("t|redefining")
    await alex.command("cooldown")
    await alex.press(en("cooldown_check_none"))
    await alex.press(en("cooldown_prepare_now"))
    await alex.send("the dishes")
    await alex.press(en("cooldown_feeling_lonely"))
    await alex.send("a calm talk tonight")
    await alex.press(en("cooldown_statement_send"))
    title = coach.content.title("redefining", "en")
    assert en("cooldown_resume_offer_no_break", title=title) in alex.texts
    assert not any("break" in t.lower() for t in alex.texts[-2:]), alex.texts[-2:]
