"""What the person sees at each step of a break, so any step can be shown again.

`show` re-renders the current step after /cooldown, a stray message, or a
restart; the handlers in flow, notices and repair use the same functions when
they move a break forward, so a step always looks the same.
"""

from __future__ import annotations

from bot.cooldown import buttons as b
from bot.cooldown import istatements, phases, store
from bot.cooldown.buttons import START, button
from bot.cooldown.models import Cooldown
from bot.cooldown.when import back_at
from bot.engine.outputs import Keyboard, KeyButton
from bot.storage import repo
from bot.turn import Turn


async def show(turn: Turn, cd: Cooldown) -> None:
    """Show the current step of `cd` again."""
    match cd.phase:
        case phases.CHECK:
            check(turn, cd)
        case phases.CHOOSE:
            choose(turn, cd)
        case phases.NOTICE:
            await notice_preview(turn, cd)
        case phases.REST:
            rest(turn, cd)
        case phases.ASK:
            ask(turn, cd)
        case phases.TOPIC:
            topic(turn)
        case phases.REWRITE:
            rewrite(turn, cd)
        case phases.FEELING:
            feeling(turn, cd)
        case phases.NEED:
            need(turn)
        case phases.DONE:
            done(turn, cd)


# -- the break ------------------------------------------------------------------


def check(turn: Turn, cd: Cooldown, *, replace: bool = False) -> None:
    rows: list[tuple[KeyButton, ...]] = []
    for bit, name in phases.SIGNS:
        mark = "cooldown_sign_on" if cd.signs & bit else "cooldown_sign_off"
        label = turn.t(mark, sign=turn.t(f"cooldown_sign_{name}"))
        rows.append((button(label, b.Sign(cd.id, bit)),))
    finish = "cooldown_check_done" if cd.signs else "cooldown_check_none"
    rows.append((button(turn.t(finish), b.Checked(cd.id)),))
    turn.say(turn.t("cooldown_check"), tuple(rows), replace=replace)


def choose(turn: Turn, cd: Cooldown) -> None:
    minutes = tuple(
        button(turn.t("cooldown_minutes", minutes=m), b.Minutes(cd.id, m))
        for m in phases.BREAK_MINUTES
    )
    if phases.is_flooded(cd.signs):
        turn.say_key("cooldown_flooded", (minutes,))
    else:
        prepare = (button(turn.t("cooldown_prepare_now"), b.PrepareNow(cd.id)),)
        turn.say_key("cooldown_steady", (minutes, prepare))


def back(turn: Turn, cd: Cooldown) -> str:
    """When this break ends, for the person taking it."""
    assert cd.ends_at is not None
    return back_at(turn.content, turn.lang, turn.user.timezone, cd.ends_at, turn.now)


def rest(turn: Turn, cd: Cooldown) -> None:
    turn.say_key("cooldown_rest", rest_keyboard(turn, cd), when=back(turn, cd))


def rest_keyboard(turn: Turn, cd: Cooldown) -> Keyboard:
    return (
        *calm_keyboard(turn),
        (button(turn.t("cooldown_end_early"), b.EndEarly(cd.id)),),
    )


def calm_keyboard(turn: Turn) -> Keyboard:
    return (
        (button(turn.t("cooldown_breathe"), b.Breathe()),),
        (button(turn.t("cooldown_ground"), b.Ground(1)),),
    )


async def after_exercise(turn: Turn) -> Keyboard:
    """What to offer once an exercise ends: the break's menu, or just more calm."""
    cd = await store.open_cooldown(turn.session, turn.user, turn.now)
    if cd is not None and cd.phase == phases.REST:
        return rest_keyboard(turn, cd)
    if cd is not None:
        return calm_keyboard(turn)
    return (*calm_keyboard(turn), (KeyButton(turn.t("menu_need_a_break"), START),))


def ask(turn: Turn, cd: Cooldown) -> None:
    turn.say_key(
        "cooldown_ask",
        (
            (button(turn.t("cooldown_ready"), b.Ready(cd.id)),),
            (button(turn.t("cooldown_more", minutes=phases.EXTEND_MINUTES), b.More(cd.id)),),
            (button(turn.t("cooldown_not_today"), b.NotToday(cd.id)),),
        ),
    )


# -- the partner notice -----------------------------------------------------------


async def notice_variant(turn: Turn) -> str:
    """Which notice would go: "t" (you're both on a break) once the partner told us
    of theirs, "p" (plain) otherwise.

    Decided by what this person has been told, never by a break the partner
    kept to themselves, so no one learns of a break that was not shared.
    """
    theirs = await store.partners_open(turn.session, turn.partner, turn.now)
    if theirs is None or theirs.notice_sent_at is None:
        return "p"
    return "t" if theirs.notice_couple_id == turn.user.couple_id else "p"


def notice_text(turn: Turn, cd: Cooldown, variant: str, lang: str) -> str:
    """The notice previewed in `lang`: the partner's clock time, labelled with their zone."""
    assert cd.ends_at is not None and turn.partner is not None
    when = back_at(turn.content, lang, turn.partner.timezone, cd.ends_at, turn.now, label=True)
    key = "cooldown_notice_too" if variant == "t" else "cooldown_notice"
    return turn.content.t(key, lang, name=turn.user.name, when=when)


async def notice_preview(turn: Turn, cd: Cooldown, *, replace: bool = False) -> None:
    if turn.partner is None or not turn.partner.active:
        # unlinked or unreachable since the break began: no notice to offer
        await store.touch(turn, cd, phases.REST)
        rest(turn, cd)
        return
    variant = await notice_variant(turn)
    keyboard = (
        (button(turn.t("cooldown_notice_send"), b.SendNotice(cd.id, variant)),),
        (button(turn.t("cooldown_notice_skip"), b.SkipNotice(cd.id)),),
    )
    text = turn.t(
        "cooldown_notice_preview",
        partner=turn.partner.name,
        notice=notice_text(turn, cd, variant, turn.lang),
    )
    turn.say(text, keyboard, replace=replace)


# -- the gentle start-up ------------------------------------------------------------


def topic(turn: Turn) -> None:
    turn.say_key("cooldown_topic_question")


def rewrite(turn: Turn, cd: Cooldown) -> None:
    found = istatements.spot(cd.topic or "", turn.lang)
    phrase = found[0].phrase if found else ""
    turn.say_key(
        "cooldown_rewrite",
        (
            (button(turn.t("cooldown_use_rewrite"), b.UseRewrite(cd.id)),),
            (button(turn.t("cooldown_keep_mine"), b.KeepMine(cd.id)),),
        ),
        phrase=phrase,
        suggestion=cd.suggestion or "",
    )


def feeling(turn: Turn, cd: Cooldown) -> None:
    labels = [
        button(turn.t(f"cooldown_feeling_{name}"), b.Feel(cd.id, i))
        for i, name in enumerate(phases.FEELINGS)
    ]
    rows = tuple(tuple(labels[i : i + 2]) for i in range(0, len(labels), 2))
    turn.say_key("cooldown_feeling_question", rows)


def need(turn: Turn) -> None:
    turn.say_key("cooldown_need_question")


def done(turn: Turn, cd: Cooldown) -> None:
    turn.say_key("cooldown_done", statement_keyboard(turn, cd), statement=cd.statement or "")


def statement_keyboard(turn: Turn, cd: Cooldown, *, preview: bool = True) -> Keyboard:
    rows: list[tuple[KeyButton, ...]] = []
    if turn.partner_reachable:
        if preview:
            rows.append((button(turn.t("cooldown_statement_land"), b.Land(cd.id)),))
        rows.append((button(turn.t("cooldown_statement_send"), b.ShareStatement(cd.id)),))
    rows.append((button(turn.t("cooldown_statement_keep"), b.KeepStatement(cd.id)),))
    rows.append((button(turn.t("cooldown_statement_again"), b.Again(cd.id)),))
    return tuple(rows)


def landing(turn: Turn, cd: Cooldown, message: str) -> None:
    partner = turn.partner.name if turn.partner is not None else ""
    keyboard = statement_keyboard(turn, cd, preview=False)
    turn.say_key("cooldown_landing", keyboard, partner=partner, message=message)


def hostile(turn: Turn, kind: str) -> None:
    turn.say_key("cooldown_hostile", why=turn.t(f"cooldown_hostile_{kind}"))


# -- afterwards ---------------------------------------------------------------------


async def offer_resume(turn: Turn, after_break: bool = True) -> None:
    """Offer to pick up the guided conversation the break (or the preparing) interrupted."""
    state, _ = await repo.load_state(turn.session, turn.user.id)
    if state.dialog is None or state.dialog not in turn.content.dialogs:
        return
    title = turn.content.title(state.dialog, turn.lang)
    turn.say_key(
        "cooldown_resume_offer" if after_break else "cooldown_resume_offer_no_break",
        ((KeyButton(turn.t("cooldown_resume"), b.Resume().pack()),),),
        title=title,
    )
