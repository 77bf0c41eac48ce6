"""What the partner hears about a break: only with consent, never crossed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.coach import Coach
from bot.cooldown import phases, screens
from bot.features import FEATURES
from bot.storage.db import session_factory
from tests.cooldown.conftest import make_couple
from tests.cooldown.support import latest_cooldown, sweep, take_break
from tests.support.people import update_user


def notices_from(chat, name: str, en) -> list[str]:
    """The break notices (plain or "you're both") about `name` that `chat` received."""
    prefixes = [
        en(key, name=name, when="\0").split("\0")[0]
        for key in ("cooldown_notice", "cooldown_notice_too")
    ]
    return [t for t in chat.texts if any(t.startswith(p) for p in prefixes) and name in t]


async def test_the_notice_is_previewed_and_sent_only_on_consent(couple, en):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    notice = en("cooldown_notice", name="Alex", when="in about 20 minutes")
    assert alex.last == en("cooldown_notice_preview", partner="Sam", notice=notice)
    assert alex.labels() == [en("cooldown_notice_send"), en("cooldown_notice_skip")]
    assert sam.inbox == [], "a preview sends nothing"

    await alex.press(en("cooldown_notice_send"))
    assert sam.texts == [notice]
    assert sam.labels() == [
        en("cooldown_ack"),
        en("cooldown_breathe"),
        en("cooldown_need_break_too"),
    ]
    assert alex.texts[-2] == en("cooldown_notice_sent", partner="Sam")
    assert "not leaving" in notice and "back" in notice


async def test_the_notice_tells_the_time_in_the_partners_time_zone(coach, couple, en):
    alex, sam = couple.alex, couple.sam
    await update_user(coach, sam.person.user_id, timezone="America/New_York")
    await take_break(alex, en, minutes=60)
    await alex.press(en("cooldown_notice_send"))
    # 09:00 UTC + 60 minutes = 05:00 in New York (UTC-5 in early March)
    assert "around 05:00 New York time" in " ".join(alex.texts), "the preview says whose time"
    assert sam.last == en("cooldown_notice", name="Alex", when="around 05:00")
    assert alex.last == en("cooldown_rest", when="in about 60 minutes"), "Alex's own time"


async def test_the_partner_acknowledges_once_and_is_offered_calm(couple, en):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    alex.clear()

    await sam.press(en("cooldown_ack"))
    assert alex.texts == [en("cooldown_starter_acked", name="Sam")]
    assert sam.last == en("cooldown_ack_thanks")
    assert sam.labels() == [en("cooldown_breathe"), en("cooldown_ground")]

    await sam.press_data(sam.button(en("cooldown_ack")))
    assert alex.texts == [en("cooldown_starter_acked", name="Sam")], "told once"

    await sam.press(en("cooldown_breathe"))
    assert en("cooldown_breath_intro") in sam.texts


async def test_the_partner_can_start_their_own_break_from_the_notice(couple, en):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    await sam.press(en("cooldown_need_break_too"))
    assert sam.texts[-2] == en("cooldown_intro")


async def test_an_acknowledgement_only_counts_from_the_person_told(coach, couple, en):
    alex = couple.alex
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    cd = await latest_cooldown(coach, alex.person.user_id)
    outs = await alex.press_data(f"cd|ack|{cd.id}")  # the starter "acknowledging" themselves
    assert [o.text for o in outs] == [en("stale_button")]


async def test_a_break_notice_is_useful_only_until_the_break_ends(coach, couple, en, clock):
    """It says when the break ends: held up past that (an outage), it would be stale news,
    so the outbox marks it expired instead of sending it (`Outbound.useful_until`)."""
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    [notice] = sam.inbox
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert same_moment(notice.useful_until, cd.ends_at)
    assert same_moment(cd.ends_at, clock.now + timedelta(minutes=20))
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    sam.clear()

    await alex.press(en("cooldown_more", minutes=15))
    [more] = sam.inbox
    assert same_moment(more.useful_until, clock.now + timedelta(minutes=15)), "the new end"


def same_moment(a: datetime | None, b: datetime | None) -> bool:
    assert a is not None and b is not None
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


async def test_an_extension_tells_the_partner_the_new_time(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    sam.clear()

    await alex.press(en("cooldown_more", minutes=15))
    assert sam.texts == [
        en("cooldown_partner_more", name="Alex", minutes=15, when="in about 15 minutes")
    ]
    assert alex.texts[-2:] == [
        en("cooldown_extended", minutes=15),
        en("cooldown_rest", when="in about 15 minutes"),
    ]
    clock.advance(minutes=14, seconds=59)
    assert await sweep(coach, couple.router) == []
    clock.advance(seconds=1)
    assert [o.text for o in await sweep(coach, couple.router)] == [en("cooldown_ask")]
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.extensions == 1


async def test_not_today_is_shared_only_with_a_partner_who_was_told(coach, couple, en, clock):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    sam.clear()
    await alex.press(en("cooldown_not_today"))
    assert sam.texts == [en("cooldown_partner_not_today", name="Alex")]


async def test_updates_never_go_to_someone_who_was_not_told(coach, couple, en, clock):
    """After unlinking mid-break, the former partner hears nothing more."""
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await alex.press(en("cooldown_notice_send"))
    for user_id in (alex.person.user_id, sam.person.user_id):
        await update_user(coach, user_id, couple_id=None)
    sam.clear()
    clock.advance(minutes=20)
    await sweep(coach, couple.router)
    await alex.press(en("cooldown_more", minutes=15))
    clock.advance(minutes=15)
    await sweep(coach, couple.router)
    await alex.press(en("cooldown_not_today"))
    assert sam.inbox == []


async def test_a_partner_who_blocked_the_bot_is_not_offered_a_notice(coach, couple, en):
    alex, sam = couple.alex, couple.sam
    await update_user(coach, sam.person.user_id, active=False)
    await take_break(alex, en)
    assert alex.last == en("cooldown_rest", when="in about 20 minutes")
    assert sam.inbox == []


async def test_both_partners_starting_at_once_are_both_helped_without_crossed_notices(
    coach, couple, en, clock
):
    alex, sam = couple.alex, couple.sam
    await alex.command("cooldown")
    await sam.command("cooldown")
    for chat in (alex, sam):
        await chat.press(en("cooldown_sign_off", sign=en("cooldown_sign_escape")))
        await chat.press(en("cooldown_check_done"))
    await alex.press(en("cooldown_minutes", minutes=20))
    await sam.press(en("cooldown_minutes", minutes=30))
    plain_for_sam = en("cooldown_notice", name="Sam", when="in about 30 minutes")
    assert plain_for_sam in sam.last, "each sees their own preview"

    await alex.press(en("cooldown_notice_send"))
    assert sam.last == en("cooldown_notice", name="Alex", when="in about 20 minutes")

    # Sam consents to the preview shown before Alex's notice arrived: it would cross
    await sam.press(en("cooldown_notice_send"))
    too = en("cooldown_notice_too", name="Sam", when="in about 30 minutes")
    assert sam.texts[-2:] == [
        en("cooldown_notice_changed"),
        en("cooldown_notice_preview", partner="Alex", notice=too),
    ]
    assert notices_from(alex, "Sam", en) == [], "nothing crossed to Alex"

    await sam.press(en("cooldown_notice_send"))
    assert notices_from(alex, "Sam", en) == [too]
    assert len(notices_from(sam, "Alex", en)) == 1

    clock.advance(minutes=20)
    assert [(o.chat_id, o.text) for o in await sweep(coach, couple.router)] == [
        (alex.person.chat_id, en("cooldown_ask"))
    ]
    clock.advance(minutes=10)
    assert [(o.chat_id, o.text) for o in await sweep(coach, couple.router)] == [
        (sam.person.chat_id, en("cooldown_ask"))
    ]


async def test_an_unshared_break_never_shows_in_the_partners_notice(coach, couple, en):
    """Sam rests without telling Alex: Alex's notice must not say "you're both"."""
    alex, sam = couple.alex, couple.sam
    await take_break(sam, en)
    await sam.press(en("cooldown_notice_skip"))
    await take_break(alex, en)
    plain = en("cooldown_notice", name="Alex", when="in about 20 minutes")
    assert alex.last == en("cooldown_notice_preview", partner="Sam", notice=plain)
    await alex.press(en("cooldown_notice_send"))
    assert notices_from(sam, "Alex", en) == [plain]
    assert notices_from(alex, "Sam", en) == []


async def test_simultaneous_consent_sends_one_plain_notice_and_one_reply(
    db_engine, content, clock, monkeypatch
):
    """Both tap "send" at the same moment, on SQLite and on PostgreSQL.

    A pause after reading the partner's state widens the race window: without
    the couple lock both would read "no notice yet" and their notices cross.
    """
    read_partner = screens.notice_variant

    async def slow_read(turn):
        variant = await read_partner(turn)
        await asyncio.sleep(0.2)
        return variant

    monkeypatch.setattr(screens, "notice_variant", slow_read)
    coach = Coach(content, session_factory(db_engine), clock, features=FEATURES)
    pair = await make_couple(coach)
    alex, sam = pair.alex, pair.sam
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    await take_break(alex, en)
    await take_break(sam, en)
    send_alex = alex.button(en("cooldown_notice_send"))
    send_sam = sam.button(en("cooldown_notice_send"))
    await asyncio.gather(alex.press_data(send_alex), sam.press_data(send_sam))

    sent = [c for c in (alex, sam) if en("cooldown_notice_changed") not in c.texts]
    changed = [c for c in (alex, sam) if en("cooldown_notice_changed") in c.texts]
    assert len(sent) == 1 and len(changed) == 1, "exactly one went first"
    await changed[0].press(en("cooldown_notice_send"))

    first, second = sent[0], changed[0]
    first_name, second_name = first.person.first_name, second.person.first_name
    assert notices_from(second, first_name, en) == [
        en("cooldown_notice", name=first_name, when="in about 20 minutes")
    ]
    assert notices_from(first, second_name, en) == [
        en("cooldown_notice_too", name=second_name, when="in about 20 minutes")
    ]
    for chat in (alex, sam):
        cd = await latest_cooldown(coach, chat.person.user_id)
        assert cd.notice_sent_at is not None and cd.phase == phases.REST


async def test_a_partner_who_left_since_the_preview_is_not_sent_anything(coach, couple, en):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    await update_user(coach, sam.person.user_id, active=False)  # blocked the bot meanwhile
    await alex.press(en("cooldown_notice_send"))
    assert sam.inbox == []
    assert en("partner_unavailable") in alex.texts
    assert alex.last == en("cooldown_rest", when="in about 20 minutes")
    cd = await latest_cooldown(coach, alex.person.user_id)
    assert cd.notice_sent_at is None


async def test_coming_back_to_the_notice_step_after_unlinking_goes_on_to_the_break(
    coach, couple, en
):
    alex, sam = couple.alex, couple.sam
    await take_break(alex, en)
    for user_id in (alex.person.user_id, sam.person.user_id):
        await update_user(coach, user_id, couple_id=None)
    await alex.command("cooldown")
    assert alex.texts[-2:] == [
        en("cooldown_already"),
        en("cooldown_rest", when="in about 20 minutes"),
    ]
    assert sam.inbox == []
