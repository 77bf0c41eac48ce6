"""What the partner hears about a break, only ever with the starter's consent.

The starter sees the notice before it goes, and only a tap on "send" sends
it. Without a notice the partner learns nothing: later updates (a new return
time, "not today") go only to the person the notice was actually sent to.
When both partners take a break at once, the second notice says "you're both
taking a break" instead of crossing the first; a row lock on the couple makes
that decision one at a time on PostgreSQL (SQLite transactions are serial).
"""

from __future__ import annotations

from bot.cooldown import buttons as b
from bot.cooldown import phases, screens, store
from bot.cooldown.buttons import at_step, for_partner
from bot.cooldown.models import Cooldown
from bot.cooldown.when import back_at
from bot.turn import Turn


async def send(turn: Turn, pressed: b.SendNotice) -> None:
    """The starter consented to the notice they were shown."""
    await store.lock_couple(turn.session, turn.user.couple_id)
    cd = await at_step(turn, pressed.cooldown, {phases.NOTICE})
    if cd is None or cd.notice_sent_at is not None:
        return
    shown = pressed.variant or ""
    variant = await screens.notice_variant(turn)
    if variant != shown:
        # the partner's own notice arrived in between: show what would go now
        turn.say_key("cooldown_notice_changed")
        await screens.notice_preview(turn, cd)
        return
    keyboard = for_partner(
        turn,
        [
            [("cooldown_ack", b.Acknowledge(cd.id))],
            [("cooldown_breathe", b.Breathe())],
            [("cooldown_need_break_too", b.Start())],
        ],
    )
    partner = turn.partner
    if partner is None:  # unlinked since the preview: nobody to tell
        turn.notice("partner_unavailable")
    else:
        assert cd.ends_at is not None
        when = back_at(turn.content, partner.lang, partner.timezone, cd.ends_at, turn.now)
        text_key = "cooldown_notice_too" if variant == "t" else "cooldown_notice"
        # The notice says when the break ends: after that it is stale, never sent (expired).
        sent = turn.to_partner_now(
            text_key, keyboard, useful_until=cd.ends_at, name=turn.user.name, when=when
        )
        if sent:
            cd.notice_sent_at = turn.now
            cd.notice_couple_id = turn.user.couple_id
            turn.say_key("cooldown_notice_sent", partner=partner.name)
    await store.touch(turn, cd, phases.REST)
    screens.rest(turn, cd)


async def skip(turn: Turn, pressed: b.SkipNotice) -> None:
    cd = await at_step(turn, pressed.cooldown, {phases.NOTICE})
    if cd is None:
        return
    await store.touch(turn, cd, phases.REST)
    turn.say_key("cooldown_notice_skipped", partner=turn.partner.name if turn.partner else "")
    screens.rest(turn, cd)


def _told(turn: Turn, cd: Cooldown) -> bool:
    """Whether the partner in this turn is the one who was sent the notice."""
    return (
        cd.notice_sent_at is not None
        and turn.partner is not None
        and cd.notice_couple_id is not None
        and cd.notice_couple_id == turn.user.couple_id
    )


def tell_new_time(turn: Turn, cd: Cooldown) -> None:
    if not _told(turn, cd):
        return
    assert turn.partner is not None and cd.ends_at is not None
    partner = turn.partner
    when = back_at(turn.content, partner.lang, partner.timezone, cd.ends_at, turn.now)
    turn.to_partner_now(
        "cooldown_partner_more",
        useful_until=cd.ends_at,
        name=turn.user.name,
        minutes=phases.EXTEND_MINUTES,
        when=when,
    )


def tell_not_today(turn: Turn, cd: Cooldown) -> None:
    if _told(turn, cd):
        turn.to_partner_now("cooldown_partner_not_today", name=turn.user.name)


async def acknowledge(turn: Turn, pressed: b.Acknowledge) -> None:
    """The partner's "got it": the starter hears it, the partner is offered calm."""
    cd = await _partners_cooldown(turn, pressed.cooldown)
    if cd is None or not _told_me(turn, cd):
        turn.notice("stale_button")
        return
    if cd.notice_acked_at is None:
        cd.notice_acked_at = turn.now
        turn.session.add(cd)
        turn.to_partner_now("cooldown_starter_acked", name=turn.user.name)
    turn.say_key("cooldown_ack_thanks", screens.calm_keyboard(turn))


async def heard(turn: Turn, pressed: b.Heard) -> None:
    """The partner read the gentle start and is ready to listen."""
    if await _answer_statement(turn, pressed.cooldown, "cooldown_starter_heard"):
        turn.say_key("cooldown_heard_thanks")


async def moment(turn: Turn, pressed: b.Moment) -> None:
    """The partner read the gentle start and needs a moment first: both are told kindly."""
    if not await _answer_statement(turn, pressed.cooldown, "cooldown_starter_moment"):
        return
    partner = turn.partner.name if turn.partner is not None else ""
    turn.say_key("cooldown_moment_thanks", name=partner)


def _sent_me(turn: Turn, cd: Cooldown) -> bool:
    """Whether this person is the one the gentle start of `cd` was sent to (same couple)."""
    return cd.statement_couple_id is not None and cd.statement_couple_id == turn.user.couple_id


def _told_me(turn: Turn, cd: Cooldown) -> bool:
    """Whether this person was sent the notice of their partner's break `cd`."""
    return cd.notice_sent_at is not None and cd.notice_couple_id == turn.user.couple_id


async def _partners_cooldown(turn: Turn, cooldown_id: int) -> Cooldown | None:
    """A cooldown of the person's current partner, named by a button."""
    if turn.partner is None:
        return None
    cd = await turn.session.get(Cooldown, cooldown_id)
    return cd if cd is not None and cd.user_id == turn.partner.id else None


async def _answer_statement(turn: Turn, cooldown_id: int, starter_key: str) -> bool:
    """Records the partner's first answer to a gentle start and tells its writer once.

    False (with a toast) when the button is not for a statement sent to this person.
    """
    cd = await _partners_cooldown(turn, cooldown_id)
    if cd is None or cd.statement_sent_at is None or not _sent_me(turn, cd):
        turn.notice("stale_button")
        return False
    if cd.statement_heard_at is None:
        cd.statement_heard_at = turn.now
        turn.session.add(cd)
        turn.to_partner_now(starter_key, name=turn.user.name)
    return True
