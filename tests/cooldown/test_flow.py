"""The break end to end, with two simulated partners and a clock the test moves.

A break is taken from the flooding check to the "ready to talk?" question;
what the partner hears is in test_notices.py, the way back in test_repair.py.
"""

from __future__ import annotations

from sqlmodel import select

from bot.cooldown import phases
from bot.engine import callbacks
from bot.storage.models import DialogSession, Reflection, User
from tests.cooldown.support import latest_cooldown, sweep, take_break
from tests.support.people import update_user


async def test_flooding_signs_lead_to_a_real_break_of_twenty_minutes_or_more(couple, en):
    alex = couple.alex
    await alex.command("cooldown")
    assert alex.texts[0] == en("cooldown_intro")
    assert alex.labels()[-1] == en("cooldown_check_none")

    await alex.press(en("cooldown_sign_off", sign=en("cooldown_sign_heart")))
    assert en("cooldown_sign_on", sign=en("cooldown_sign_heart")) in alex.labels()
    assert alex.inbox[-1].replace, "ticking a sign updates the same message"
    await alex.press(en("cooldown_sign_off", sign=en("cooldown_sign_win")))
    await alex.press(en("cooldown_check_done"))

    assert alex.last == en("cooldown_flooded")
    assert "20 minutes" in alex.last and "settle" in alex.last
    assert alex.labels() == [en("cooldown_minutes", minutes=m) for m in (20, 30, 60)]
    cd = await latest_cooldown(alex.coach, alex.person.user_id)
    assert phases.is_flooded(cd.signs) and cd.signs == 1 | 4


async def test_a_sign_ticked_twice_is_unticked(couple, en):
    alex = couple.alex
    await alex.command("cooldown")
    heart_off = en("cooldown_sign_off", sign=en("cooldown_sign_heart"))
    await alex.press(heart_off)
    await alex.press(en("cooldown_sign_on", sign=en("cooldown_sign_heart")))
    assert heart_off in alex.labels()
    assert alex.labels()[-1] == en("cooldown_check_none")


async def test_a_steady_person_may_still_rest_or_prepare_right_away(couple, en):
    alex = couple.alex
    await alex.command("cooldown")
    await alex.press(en("cooldown_check_none"))
    assert alex.last == en("cooldown_steady")
    assert en("cooldown_minutes", minutes=20) in alex.labels()
    await alex.press(en("cooldown_prepare_now"))
    assert alex.texts[-2:] == [en("cooldown_repair_intro"), en("cooldown_topic_question")]


async def test_the_return_question_comes_exactly_at_the_chosen_time(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en, minutes=30)
    await alex.press(en("cooldown_notice_skip"))
    assert en("cooldown_rest", when="in about 30 minutes") == alex.last

    clock.advance(minutes=29, seconds=59)
    assert await sweep(coach, couple.router) == []
    clock.advance(seconds=1)
    outs = await sweep(coach, couple.router)
    assert [o.text for o in outs] == [en("cooldown_ask")]
    assert alex.labels() == [
        en("cooldown_ready"),
        en("cooldown_more", minutes=15),
        en("cooldown_not_today"),
    ]
    assert await sweep(coach, couple.router) == [], "sent exactly once"
    assert sam.inbox == []


async def test_without_a_notice_the_partner_never_learns_of_the_break(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    assert en("cooldown_notice_send") in alex.labels(), "a notice is offered"
    await alex.press(en("cooldown_notice_skip"))
    assert alex.texts[-2] == en("cooldown_notice_skipped", partner="Sam")
    await alex.press(en("cooldown_breathe"))
    for _ in range(45):
        clock.advance(seconds=1)
        await sweep(coach, couple.router)
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    await alex.press(en("cooldown_more", minutes=15))
    clock.advance(minutes=15)
    await sweep(coach, couple.router)
    await alex.press(en("cooldown_not_today"))
    assert alex.texts[-2:] == [
        en("cooldown_not_today_ok"),
        en("cooldown_resume_offer", title="Welcome"),
    ]

    assert sam.inbox == [], "nothing about the break reached the partner"
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.notice_sent_at is None and cd.outcome == phases.NOT_TODAY


async def test_ending_the_break_early_cancels_the_timer(coach, couple, en, clock):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.press(en("cooldown_end_early"))
    assert alex.last == en("cooldown_ask")
    clock.advance(minutes=25)
    assert await sweep(coach, couple.router) == []


async def test_more_time_after_ending_early_is_not_cut_short_by_the_first_end(
    coach, couple, en, clock
):
    alex = couple.alex
    await take_break(alex, en, minutes=20)
    await alex.press(en("cooldown_notice_skip"))
    await alex.press(en("cooldown_end_early"))
    clock.advance(minutes=10)
    await alex.press(en("cooldown_more", minutes=15))
    clock.advance(minutes=10)  # the first break's end
    assert await sweep(coach, couple.router) == []
    clock.advance(minutes=5)
    assert [o.text for o in await sweep(coach, couple.router)] == [en("cooldown_ask")]


async def test_cooldown_works_without_a_partner(coach, en, clock):
    from bot.turn import Person
    from tests.support.people import Chat, Router

    router = Router()
    solo = Chat(coach, Person(3001, 3001, "Kim", "en"), router)
    await take_break(solo, en)
    assert solo.last == en("cooldown_rest", when="in about 20 minutes"), "no notice step"
    clock.advance(minutes=20)
    await sweep(coach, router)
    await solo.press(en("cooldown_ready"))
    await solo.send("the dishes")
    await solo.press(en("cooldown_feeling_sad"))
    await solo.send("help on weekdays")
    assert en("cooldown_statement_send") not in solo.labels()


async def test_cooldown_again_while_on_a_break_shows_where_we_are(couple, en):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    alex.clear()
    await alex.command("cooldown")
    assert alex.texts == [en("cooldown_already"), en("cooldown_rest", when="in about 20 minutes")]
    rows = await _count(alex.coach, "cooldowns")
    assert rows == 1, "no second break is opened"


async def test_the_main_menu_has_an_i_need_a_break_button(couple, en):
    alex = couple.alex
    await alex.command("topics")
    assert alex.labels()[-1] == en("menu_need_a_break")
    await alex.press(en("menu_need_a_break"))
    assert alex.texts[-2] == en("cooldown_intro")


async def test_cooldown_is_listed_in_help(couple, en):
    await couple.alex.command("help")
    assert f"/cooldown — {en('cmd_cooldown')}" in couple.alex.last


async def test_old_buttons_from_an_earlier_step_are_stale(coach, couple, en):
    alex = couple.alex
    await alex.command("cooldown")
    old_toggle = alex.button(en("cooldown_sign_off", sign=en("cooldown_sign_think")))
    await alex.press(en("cooldown_check_none"))
    outs = await alex.press_data(old_toggle)
    assert [o.text for o in outs] == [en("stale_button")] and outs[0].notice
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.signs == 0 and cd.phase == phases.CHOOSE


async def test_forged_buttons_get_a_kind_answer(couple, en):
    alex = couple.alex
    for data in ("cd", "cd|nope", "cd|min|x|20", "cd|min|999|20", "cd|ground|77", "cd|feel|1|99"):
        outs = await alex.press_data(data)
        assert len(outs) == 1 and outs[0].notice, data
    await take_break(alex, en, minutes=20)
    cd = await latest_cooldown(alex.coach, alex.person.user_id)
    assert (await alex.press_data(f"cd|min|{cd.id}|5"))[0].text == en("stale_button")


async def test_a_break_interrupts_a_conversation_and_offers_to_resume_it(coach, couple, en, clock):
    """The welcome conversation is waiting for an answer when the fight starts."""
    alex = couple.alex
    await alex.press_data(
        callbacks.Nav("welcome", "hello", 0).pack()
    )  # on to the question "why_here"
    question = alex.last
    before = await _session(coach, alex.person.user_id)
    assert (before.dialog, before.node) == ("welcome", "why_here")

    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.send("I can't believe what just happened")  # venting during the break
    assert alex.texts[-2] == en("cooldown_text_during")
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    await alex.press(en("cooldown_ready"))
    await alex.send("You never listen to me")
    await alex.press(en("cooldown_use_rewrite"))
    await alex.press(en("cooldown_feeling_hurt"))
    await alex.send("time to talk tonight")
    await alex.press(en("cooldown_statement_keep"))

    after = await _session(coach, alex.person.user_id)
    assert (after.dialog, after.node, after.awaiting_share) == ("welcome", "why_here", False)
    assert after.version == before.version, "the paused conversation was not moved"
    assert await _reflections(coach, alex.person.user_id) == [], "nothing typed became an answer"
    assert alex.last == en("cooldown_resume_offer", title="Welcome")

    await alex.press(en("cooldown_resume"))
    assert alex.last == question
    await alex.send("We want to argue less")
    assert await _reflections(coach, alex.person.user_id) == [("why_here", "We want to argue less")]


async def test_going_back_to_a_conversation_during_the_break_is_allowed(coach, couple, en):
    """Someone who opens a topic while resting is answering that topic, not the break."""
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    await alex.command("topics")
    await alex.press_data(callbacks.Topic("redefining").pack())
    await alex.press_data(callbacks.Nav("redefining", "open", 0).pack())
    await alex.press_data(callbacks.Nav("redefining", "surface", 0).pack())  # a question now
    await alex.send("Money")
    assert await _reflections(coach, alex.person.user_id) == [("unspoken_topic", "Money")]
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.closed_at is None and cd.phase == phases.REST, "the break goes on"


async def test_a_forgotten_check_in_lapses_and_stops_catching_text(coach, couple, en, clock):
    alex = couple.alex
    await alex.command("cooldown")
    await alex.send("hello?")
    assert alex.texts[-2] == en("cooldown_text_during")
    clock.advance(hours=7)
    await alex.send("hello again")
    assert en("cooldown_text_during") not in alex.texts[-1:], "the dialogs answer again"
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.outcome == phases.LAPSED
    await alex.command("cooldown")
    assert alex.texts[-2] == en("cooldown_intro"), "a new break starts fresh"


async def test_a_pause_set_during_the_break_holds_the_return_prompt(coach, couple, en, clock):
    """A safety signal pauses unprompted messages; the return prompt respects that."""
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    sam.clear()
    await update_user(coach, alex.person.user_id, nudges_paused_until=clock.now.replace(year=2027))
    clock.advance(minutes=20)
    assert await sweep(coach, couple.router) == []
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.outcome == phases.HELD
    assert sam.inbox == []


async def test_a_pause_from_before_the_break_does_not_hold_it(coach, couple, en, clock):
    alex = couple.alex
    await update_user(coach, alex.person.user_id, nudges_paused_until=clock.now.replace(year=2027))
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_skip"))
    clock.advance(minutes=20)
    assert [o.text for o in await sweep(coach, couple.router)] == [en("cooldown_ask")]


async def test_the_whole_break_in_turkish(coach, tr, clock):
    from bot.turn import Person
    from tests.cooldown.conftest import make_couple

    pair = await make_couple(
        coach, Person(2001, 2001, "Ayşe", "tr"), Person(2002, 2002, "Deniz", "tr-TR")
    )
    ayse, deniz = pair.alex, pair.sam
    await update_user(coach, 2002, timezone="Europe/Istanbul")
    await take_break(ayse, tr)
    assert tr("cooldown_flooded") in ayse.texts
    await ayse.press(tr("cooldown_notice_send"))
    assert deniz.last == tr("cooldown_notice", name="Ayşe", when="saat 12:20 civarında")
    clock.advance(minutes=20)
    await sweep(coach, pair.router)
    assert ayse.last == tr("cooldown_ask")
    await ayse.press(tr("cooldown_ready"))
    await ayse.send("Sen beni hiç dinlemiyorsun!")
    assert "“bazen beni dinlemiyorsun”" in ayse.last
    await ayse.press(tr("cooldown_use_rewrite"))
    await ayse.press(tr("cooldown_feeling_hurt"))
    await ayse.send("Akşamları telefonsuz on dakika.")
    statement = (
        "Bazen beni dinlemiyorsun — o an kendimi kırgın hissettim. "
        "Şunu deneyebilir miyiz: akşamları telefonsuz on dakika?"
    )
    assert ayse.last == tr("cooldown_done", statement=statement)
    await ayse.press(tr("cooldown_statement_send"))
    assert deniz.last == tr("cooldown_partner_statement", name="Ayşe", statement=statement)
    assert deniz.labels() == [tr("cooldown_heard"), tr("cooldown_moment")]


# -- helpers -------------------------------------------------------------------------


async def _session(coach, user_id: int) -> DialogSession:
    async with coach.sessions() as session:
        row = await session.get(DialogSession, user_id)
        assert row is not None
        return row


async def _reflections(coach, user_id: int) -> list[tuple[str, str]]:
    async with coach.sessions() as session:
        rows = await session.exec(select(Reflection).where(Reflection.user_id == user_id))
        return [(r.key, r.text) for r in rows]


async def _count(coach, table: str) -> int:
    from sqlalchemy import text

    async with coach.sessions() as session:
        return (await session.exec(text(f"SELECT count(*) FROM {table}"))).scalar_one()  # type: ignore[call-overload]


__all__ = ["User"]
