"""A private question when two people link: "Do you feel safe with your partner?"

Each partner is asked alone, in their own chat, once per link (skippable).
"No" or "Not sure" quietly turns on quiet mode and offers help lines; the
answer itself is not stored (only that there was one), and the partner never
learns of it. The buttons carry the couple they were asked for, so an old
question pressed after a relink does nothing.

What the link itself would share at once (couple answers both gave before
linking, `bot.together`) waits for this question: features list it as
`link_settled`, run once both have answered and neither with a worry. A
person who never answers keeps it waiting, which looks to the partner exactly
like a "no": nothing tells them which it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Literal

from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.plugins import Registry
from bot.safety import quiet
from bot.safety.care import Care
from bot.storage.models import Couple, User
from bot.turn import Outbound, Turn

log = logging.getLogger(__name__)

YES, NO, UNSURE, SKIP = "y", "n", "u", "s"
ABUSE = "a"


@dataclass(frozen=True)
class LinkAnswer(Payload, prefix="sfl"):
    """The answer to "do you feel safe with your partner?", for the couple it was asked about."""

    answer: Literal["y", "n", "u", "s"]
    couple: int


class LinkQuestion:
    def __init__(self, care: Care, registry: Registry) -> None:
        self.care = care
        self.registry = registry
        """Where the features waiting for both answers (`link_settled`) are listed."""

    async def linked(self, turn: Turn) -> None:
        """Two people just linked (in the joiner's turn): ask each of them, alone."""
        if turn.partner is None or turn.user.couple_id is None:
            return
        couple = await turn.session.get(Couple, turn.user.couple_id)
        if couple is None or couple.id is None:
            return
        for person, other in ((turn.user, turn.partner), (turn.partner, turn.user)):
            if person.safety_asked_at is not None and person.safety_asked_at > couple.created_at:
                continue  # already asked for this link
            person.safety_asked_at, person.safety_answered_at = turn.now, None
            turn.session.add(person)
            self._ask(turn, person, other, couple.id)

    def _ask(self, turn: Turn, person: User, other: User, couple_id: int) -> None:
        lang = turn.content.lang(person.lang)

        def button(key: str, answer: Literal["y", "n", "u", "s"]) -> KeyButton:
            return KeyButton(turn.content.t(key, lang), LinkAnswer(answer, couple_id).pack())

        keyboard = (
            (button("link_safety_yes", YES), button("link_safety_no", NO)),
            (button("link_safety_unsure", UNSURE), button("link_safety_skip", SKIP)),
        )
        text = turn.content.t("link_safety_question", lang, partner=other.name)
        # One message: the question rides on the "you're now linked" news when there is one.
        for i in range(len(turn.out) - 1, -1, -1):
            out = turn.out[i]
            if out.chat_id == person.chat_id and not (out.notice or out.keyboard or out.attachment):
                turn.out[i] = asked = replace(out, text=f"{out.text}\n\n{text}", keyboard=keyboard)
                break
        else:
            asked = Outbound(person.chat_id, person.id, text, keyboard, kind="link_safety_question")
            turn.out.append(asked)
        turn.link_news.append(asked)  # their own question: it goes even if the other is quiet

    async def answer(self, turn: Turn, pressed: LinkAnswer) -> None:
        answer, couple_id = pressed.answer, pressed.couple
        if turn.user.couple_id != couple_id or turn.partner is None:
            turn.say(turn.t("link_safety_stale"), replace=True)
            return
        log.info("user %s answered the linking safety question", turn.user.id)
        turn.user.safety_answered_at = turn.now
        turn.session.add(turn.user)
        if answer == YES:
            turn.say(turn.t("link_safety_thanks"), replace=True)
            await self._settled(turn)
        elif answer == SKIP:
            turn.say(turn.t("link_safety_skipped"), replace=True)
            await self._settled(turn)
        else:
            quiet.turn_on(turn)
            name = turn.partner.name
            text = self.care.lines_text(turn, "link_safety_not_safe", "abuse", partner=name)
            rows = [self.care.privacy_row(turn)]
            if turn.user.country is None:
                rows.append(self.care.country_row(turn, ABUSE))
            turn.say(text, tuple(rows), replace=True)

    async def _settled(self, turn: Turn) -> None:
        """When both have now answered and neither is quiet: what waited for it goes.

        The two partners' turns take turns on the couple's lock (`repo.lock_couple`),
        so of two answers at the same moment the second sees the first.
        """
        partner = turn.partner
        if partner is None or partner.safety_answered_at is None:
            return  # the partner has not answered yet: their answer decides too
        if quiet.is_quiet(turn.user) or quiet.is_quiet(partner):
            return
        for listener in self.registry.link_settled:
            await listener(turn)
