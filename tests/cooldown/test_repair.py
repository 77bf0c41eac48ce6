"""The way back: the gentle start-up builder and sending its sentence."""

from __future__ import annotations

from bot.cooldown import phases
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
    assert "I feel" in en("cooldown_repair_intro") and "I need" in en("cooldown_repair_intro")


async def test_you_never_is_spotted_and_a_rewrite_offered_then_sent_with_consent(
    coach, couple, en, clock
):
    alex, sam = couple.alex, couple.sam
    await ready_to_talk(coach, couple, en, clock)
    await alex.send("I hate that you never listen to me!")
    assert alex.last == en(
        "cooldown_rewrite", phrase="you never", suggestion="the times you don't listen to me"
    )
    assert alex.labels() == [en("cooldown_use_rewrite"), en("cooldown_keep_mine")]

    await alex.press(en("cooldown_use_rewrite"))
    assert alex.last == en("cooldown_feeling_question")
    await alex.press(en("cooldown_feeling_lonely"))
    assert alex.last == en("cooldown_need_question")
    await alex.send("Ten minutes together without our phones.")

    statement = (
        "I feel lonely about the times you don't listen to me, "
        "and I need ten minutes together without our phones."
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
    await alex.send("overwhelmed")  # a feeling typed instead of tapped
    await alex.send("a plan for the evenings")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.statement == (
        "I feel overwhelmed about you always leave the dishes, and I need a plan for the evenings."
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
    assert cd.statement == "I feel worried about the weekend plans, and I need to decide together."


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
