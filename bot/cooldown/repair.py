"""The way back: a gentle start-up, "When …, I felt …. Could we …?".

Speaking from one's own experience invites a partner in, while sweeping
claims about them make them defend, so the builder asks for one moment,
offers a calmer wording when it spots "you always / you never", then the
feeling and a wish, and puts the sentence together. Words that attack the
person (labels, name-calling, contempt, sarcasm: `hostility`) are never
framed as gentle: every typed part is checked, the sentence is checked again
before it is shown and before it is sent. "How might this land?" shows
exactly what the partner would read. It reminds the person to listen before
convincing, and sends the sentence only if they tap "send" under it; the
partner can answer "I'm ready to listen" or "I need a moment".
"""

from __future__ import annotations

from bot.cooldown import buttons as b
from bot.cooldown import hostility, istatements, phases, screens, store
from bot.cooldown.buttons import at_step, for_partner
from bot.cooldown.models import Cooldown
from bot.turn import Turn

MAX_FEELING = 60


async def begin(turn: Turn, cd: Cooldown) -> None:
    _clear(cd)
    await store.touch(turn, cd, phases.TOPIC)
    turn.say_key("cooldown_repair_intro")
    screens.topic(turn)


def _clear(cd: Cooldown) -> None:
    cd.topic = cd.suggestion = cd.feeling = cd.need = cd.statement = None


class Repair:
    """The builder's steps that judge words, with the hostility lists read from the data
    directory (`bot.cooldown.data.HOSTILITY`): what check-content validated is what runs."""

    def __init__(self, lists: tuple[hostility.Lists, ...]) -> None:
        self.lists = lists

    def hostile(self, text: str, *, typed: bool = True) -> str | None:
        """The attack in `text`; `typed=False` for the builder's own sentence, which the
        classifier reads sentence by sentence (`hostility.hostile`, `built`)."""
        return hostility.hostile(text, self.lists, built=not typed)

    async def on_text(self, turn: Turn, cd: Cooldown, text: str) -> None:
        """Typed text at a builder step (it has passed the safety screen already)."""
        text = " ".join(text.split())
        if not text:
            await screens.show(turn, cd)
            return
        limit = MAX_FEELING if cd.phase == phases.FEELING else phases.MAX_TEXT
        if len(text) > limit:
            turn.say_key("cooldown_too_long")
            return
        kind = self.hostile(text)
        if kind is not None:
            screens.hostile(turn, kind)  # asked again at the same step; nothing is kept
            return
        match cd.phase:
            case phases.TOPIC | phases.REWRITE:
                await _take_topic(turn, cd, text)
            case phases.FEELING:
                await _take_feeling(turn, cd, text)
            case phases.NEED:
                await self._take_need(turn, cd, text)

    async def feel(self, turn: Turn, pressed: b.Feel) -> None:
        cd = await at_step(turn, pressed.cooldown, {phases.FEELING})
        if cd is None:
            return
        if pressed.feeling >= len(phases.FEELINGS):
            turn.notice("unknown_button")
            return
        feeling = turn.t(f"cooldown_feeling_{phases.FEELINGS[pressed.feeling]}")
        await _take_feeling(turn, cd, feeling)

    async def _take_need(self, turn: Turn, cd: Cooldown, need: str) -> None:
        cd.need = istatements.as_wish(need, turn.lang)
        statement = turn.t(
            "cooldown_statement",
            feeling=istatements.as_feeling(cd.feeling or "", turn.lang),
            situation=istatements.as_moment(cd.topic or "", turn.lang),
            need=cd.need,
        )
        cd.statement = istatements.sentence_case(statement, turn.lang)
        if (
            self.hostile(cd.statement, typed=False) is not None
        ):  # never framed as gentle, whatever the parts
            _clear(cd)
            await store.touch(turn, cd, phases.TOPIC)
            turn.say_key("cooldown_hostile_statement")
            screens.topic(turn)
            return
        await store.touch(turn, cd, phases.DONE)
        screens.done(turn, cd)

    async def share(self, turn: Turn, pressed: b.ShareStatement) -> None:
        """Send the finished sentence, exactly as shown, to the partner."""
        cd = await at_step(turn, pressed.cooldown, {phases.DONE})
        if cd is None:
            return
        if (
            self.hostile(cd.statement or "", typed=False) is not None
        ):  # the last guard: never contempt
            turn.say_key("cooldown_hostile_statement")
            return
        await _send(turn, cd)


async def _take_topic(turn: Turn, cd: Cooldown, text: str) -> None:
    cd.topic = istatements.as_clause(text, turn.lang)
    cd.suggestion = istatements.rewrite(text, turn.lang)
    if cd.suggestion:
        await store.touch(turn, cd, phases.REWRITE)
        screens.rewrite(turn, cd)
    else:
        await store.touch(turn, cd, phases.FEELING)
        screens.feeling(turn, cd)


async def _take_feeling(turn: Turn, cd: Cooldown, feeling: str) -> None:
    cd.feeling = istatements.as_clause(feeling, turn.lang)
    await store.touch(turn, cd, phases.NEED)
    screens.need(turn)


async def use_rewrite(turn: Turn, pressed: b.UseRewrite) -> None:
    cd = await at_step(turn, pressed.cooldown, {phases.REWRITE})
    if cd is None:
        return
    cd.topic = cd.suggestion or cd.topic
    await store.touch(turn, cd, phases.FEELING)
    screens.feeling(turn, cd)


async def keep_mine(turn: Turn, pressed: b.KeepMine) -> None:
    cd = await at_step(turn, pressed.cooldown, {phases.REWRITE})
    if cd is None:
        return
    await store.touch(turn, cd, phases.FEELING)
    screens.feeling(turn, cd)


async def again(turn: Turn, pressed: b.Again) -> None:
    cd = await at_step(turn, pressed.cooldown, {phases.DONE})
    if cd is None:
        return
    _clear(cd)
    await store.touch(turn, cd, phases.TOPIC)
    screens.topic(turn)


async def land(turn: Turn, pressed: b.Land) -> None:
    """ "How might this land?": exactly what the partner would read, and why it is gentle."""
    cd = await at_step(turn, pressed.cooldown, {phases.DONE})
    if cd is None:
        return
    screens.landing(turn, cd, partner_message(turn, cd))


def partner_message(turn: Turn, cd: Cooldown) -> str:
    lang = turn.partner.lang if turn.partner is not None else turn.lang
    key = "cooldown_partner_statement" if took_break(cd) else "cooldown_partner_statement_direct"
    return turn.content.t(key, lang, name=turn.user.name, statement=cd.statement or "")


async def _send(turn: Turn, cd: Cooldown) -> None:
    keyboard = for_partner(
        turn,
        [[("cooldown_heard", b.Heard(cd.id))], [("cooldown_moment", b.Moment(cd.id))]],
    )
    key = "cooldown_partner_statement" if took_break(cd) else "cooldown_partner_statement_direct"
    sent = turn.to_partner_now(key, keyboard, name=turn.user.name, statement=cd.statement or "")
    if sent:
        cd.statement_sent_at = turn.now
        cd.statement_couple_id = turn.user.couple_id
        turn.say_key("cooldown_statement_sent")
    await store.close_cooldown(turn.session, cd, phases.SENT if sent else phases.KEPT, turn.now)
    await screens.offer_resume(turn, took_break(cd))


async def keep_statement(turn: Turn, pressed: b.KeepStatement) -> None:
    cd = await at_step(turn, pressed.cooldown, {phases.DONE})
    if cd is None:
        return
    await store.close_cooldown(turn.session, cd, phases.KEPT, turn.now)
    turn.say_key("cooldown_statement_kept")
    await screens.offer_resume(turn, took_break(cd))


def took_break(cd: Cooldown) -> bool:
    """A timed break was started (not only the gentle start-up prepared right away)."""
    return cd.ends_at is not None
