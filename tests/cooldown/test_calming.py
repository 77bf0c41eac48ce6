"""Paced breathing as timed messages, and grounding step by step."""

from __future__ import annotations

from tests.cooldown.support import sweep, take_break
from tests.support.tables import table_rows


async def test_breathing_cues_arrive_in_for_four_and_out_for_six(coach, couple, en, clock):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.press(en("cooldown_breathe"))
    assert alex.texts[-2:] == [
        en("cooldown_breath_intro"),
        en("cooldown_breath_in", round=1, rounds=4),
    ]
    arrivals: list[tuple[int, str]] = []
    for second in range(1, 50):
        clock.advance(seconds=1)
        arrivals += [(second, o.text) for o in await sweep(coach, couple.router)]
    out = en("cooldown_breath_out")
    assert arrivals == [
        (4, out),
        (10, en("cooldown_breath_in", round=2, rounds=4)),
        (14, out),
        (20, en("cooldown_breath_in", round=3, rounds=4)),
        (24, out),
        (30, en("cooldown_breath_in", round=4, rounds=4)),
        (34, out),
        (40, en("cooldown_breath_done")),
    ]
    assert "argument" in en("cooldown_breath_done")
    assert alex.labels()[-1] == en("cooldown_end_early"), "back to the break's choices"


async def test_starting_breathing_again_replaces_the_running_exercise(coach, couple, en, clock):
    alex = couple.alex
    await alex.command("cooldown")
    await alex.press_data("cd|breathe")
    clock.advance(seconds=2)
    await alex.press_data("cd|breathe")
    clock.advance(seconds=2)
    assert await sweep(coach, couple.router) == [], "the first run's cue at 4s is gone"
    clock.advance(seconds=2)
    assert [o.text for o in await sweep(coach, couple.router)] == [en("cooldown_breath_out")]


async def test_starting_breathing_again_leaves_the_partners_exercise_running(
    coach, couple, en, clock
):
    alex, sam = couple.alex, couple.sam
    for chat in (sam, alex):
        await chat.command("cooldown")
        await chat.press_data("cd|breathe")
    clock.advance(seconds=2)
    await alex.press_data("cd|breathe")
    clock.advance(seconds=2)
    outs = await sweep(coach, couple.router)
    assert [(o.chat_id, o.text) for o in outs] == [(sam.person.chat_id, en("cooldown_breath_out"))]


async def test_cues_missed_while_the_bot_was_down_are_skipped_not_burst(coach, couple, en, clock):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.press(en("cooldown_breathe"))
    clock.advance(minutes=5)  # down for five minutes
    assert await sweep(coach, couple.router) == []
    clock.advance(minutes=15)
    assert [o.text for o in await sweep(coach, couple.router)] == [en("cooldown_ask")]


async def test_grounding_goes_through_the_senses_then_back_to_the_break(couple, en):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.press(en("cooldown_ground"))
    assert alex.texts[-2:] == [en("cooldown_ground_intro"), en("cooldown_ground_1")]
    for step in range(2, 6):
        await alex.press(en("cooldown_ground_next"))
        assert alex.last == en(f"cooldown_ground_{step}")
    await alex.press(en("cooldown_ground_finish"))
    assert alex.last == en("cooldown_ground_done")
    assert "argument" in alex.last
    assert en("cooldown_end_early") in alex.labels()


async def test_words_typed_at_a_grounding_step_are_heard_not_kept_and_it_goes_on(
    coach, engine, couple, en
):
    """Issue 15, item 7: "name five things you can see" answered by typing them is
    acknowledged and the exercise continues; the words are stored nowhere."""
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.press(en("cooldown_ground"))
    seen = "the lamp, a blue cup, the window, my hands, a plant"
    await alex.send(seen)
    assert en("cooldown_text_during") not in alex.texts
    assert en("cooldown_ground_heard") in alex.texts[-2:] or alex.last.startswith(
        en("cooldown_ground_heard")
    )
    assert alex.last.endswith(en("cooldown_ground_2"))
    assert alex.labels() == [en("cooldown_ground_next")]
    for step in range(3, 6):
        await alex.send("something")
        assert alex.last.endswith(en(f"cooldown_ground_{step}"))
    await alex.send("water")
    assert alex.last == en("cooldown_ground_done")
    assert en("cooldown_end_early") in alex.labels(), "back to the break's choices"
    await alex.send("still here")
    assert en("cooldown_text_during") in alex.texts[-2:] or alex.last.startswith(
        en("cooldown_text_during")
    ), "after the exercise, text is the break's again"
    rows = await table_rows(engine)
    assert not any(seen in str(row) for table in rows.values() for row in table)


async def test_a_partner_without_a_break_is_offered_calm_and_a_break_of_their_own(
    coach, couple, en, clock
):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    await sam.press(en("cooldown_breathe"))
    for _ in range(40):
        clock.advance(seconds=1)
        await sweep(coach, couple.router)
    assert sam.last == en("cooldown_breath_done")
    assert sam.labels() == [
        en("cooldown_breathe"),
        en("cooldown_ground"),
        en("menu_need_a_break"),
    ]
    assert not any(en("cooldown_breath_in", round=1, rounds=4) == t for t in alex.texts)


async def test_a_breathing_cue_held_up_by_an_outage_expires_instead_of_arriving_late(
    coach, couple, en, clock
):
    """The cue fired on time and was saved in the outbox, but Telegram was down for
    an hour: when it is back, the stale cue is marked expired, never sent."""
    from sqlalchemy import select

    from bot.outbox.store import OUTBOX, Outbox
    from bot.sending import Outcome

    alex = couple.alex
    await alex.command("cooldown")
    await alex.press_data("cd|breathe")
    coach.outbox = outbox = Outbox(coach.sessions, clock)
    clock.advance(seconds=4)
    job = next(p for p in coach.periodic if p.name == "cooldown-timers")
    [cue] = await job.run()
    assert cue.text == en("cooldown_breath_out") and cue.useful_until is not None
    assert await outbox.admit(cue)
    await outbox.done(cue, Outcome.FAILED)  # Telegram is down
    clock.advance(hours=1)
    coach.outbox = None  # later cues fired during the outage are not the point here
    assert await outbox.reclaim() == [], "not sent an hour late"
    async with coach.sessions() as session:
        rows = (await session.exec(select(OUTBOX.c.status, OUTBOX.c.kind, OUTBOX.c.body))).all()
    assert [tuple(r) for r in rows] == [("expired", "cooldown_breath", None)]
