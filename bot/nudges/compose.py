"""Compose a claimed check-in: pick its kind and prompt, and write the message.

Kinds take turns (a check-in question every other time, so the weekly picture
has a point each week), skipping any that do not apply: "continue" needs an
unfinished conversation, a couple question needs a linked partner. A couple
question the partner's check-in already opened comes first, so both partners
answer the same one. The choice is stored on the delivery, so a check-in
composed again after a crash is the same check-in.
"""

from __future__ import annotations

from sqlmodel import col, select

from bot.engine.outputs import Keyboard
from bot.followups import carry
from bot.followups.exercises import Plannable
from bot.nudges import buttons as b
from bot.nudges import couple
from bot.nudges.context import Nudging, reachable
from bot.nudges.models import (
    CLAIMED,
    SKIPPED,
    SUMMARY,
    NudgeDelivery,
    NudgeRotation,
    NudgeSchedule,
    delivery_ref,
)
from bot.nudges.pools import APPRECIATION, CHECKIN, CONTINUE, COUPLE, CURIOSITY, PLAY, WRITTEN
from bot.nudges.summary import Summaries
from bot.storage.models import DialogProgress
from bot.storage.repo import IN_PROGRESS
from bot.turn import Outbound, Turn

SEQUENCE = (
    CHECKIN,
    APPRECIATION,
    CHECKIN,
    COUPLE,
    CHECKIN,
    CONTINUE,
    CHECKIN,
    CURIOSITY,
    CHECKIN,
    PLAY,
)


class Composer:
    def __init__(self, nudging: Nudging, summaries: Summaries, plannable: Plannable) -> None:
        self.nudging = nudging
        self.summaries = summaries
        self.plannable = plannable

    async def compose(self, turn: Turn, delivery_id: int, owner: str) -> None:
        delivery = await turn.session.get(NudgeDelivery, delivery_id)
        if (
            delivery is None
            or delivery.owner != owner
            or delivery.status != CLAIMED
            or delivery.user_id != turn.user.id
        ):
            return
        if delivery.stream == SUMMARY:
            sent = await self.summaries.compose(turn, delivery)
        else:
            if delivery.kind is None:
                await self._choose(turn, delivery)
            delivery.couple_id = turn.user.couple_id  # written for this couple, if any
            sent = await self._render(turn, delivery)
        if not sent:
            delivery.status = SKIPPED
        turn.session.add(delivery)

    # -- choosing -------------------------------------------------------------------

    async def _choose(self, turn: Turn, delivery: NudgeDelivery) -> None:
        session = turn.session
        if turn.user.quiet:  # quiet mode (bot.safety.quiet): nothing worded about the couple
            await self._fill(turn, delivery, CONTINUE)
            return
        if delivery.snooze_of is not None:
            original = await session.get(NudgeDelivery, delivery.snooze_of)
            if original is not None and original.kind is not None:
                delivery.kind, delivery.prompt, delivery.ref = (
                    original.kind,
                    original.prompt,
                    original.ref,
                )
                if delivery.kind == carry.FOLLOWUP:
                    await carry.carried_again(turn, delivery)
                return
        if await carry.take_due(turn, delivery):
            return  # a follow-up of something the couple tried comes before the usual kinds
        if await self._partners_question(turn, delivery):
            return
        schedule = await session.get(NudgeSchedule, turn.user.id)
        cursor = schedule.kind_cursor if schedule is not None else 0
        for step in range(len(SEQUENCE)):
            kind = SEQUENCE[(cursor + step) % len(SEQUENCE)]
            if await self._fill(turn, delivery, kind):
                break
        if schedule is not None:
            schedule.kind_cursor = (cursor + step + 1) % len(SEQUENCE)
            session.add(schedule)

    async def _partners_question(self, turn: Turn, delivery: NudgeDelivery) -> bool:
        """The couple question the partner's check-in opened, if this person hasn't had it."""
        if turn.user.couple_id is None or turn.user.quiet or not reachable(turn.partner, turn.now):
            return False
        question = await couple.open_question(turn.session, turn.user.couple_id, turn.now)
        if question is None or await couple.has_received(turn.session, turn.user, question):
            return False
        delivery.kind, delivery.prompt, delivery.ref = COUPLE, question.prompt, str(question.id)
        return True

    async def _fill(self, turn: Turn, delivery: NudgeDelivery, kind: str) -> bool:
        if turn.user.quiet and kind != CONTINUE:
            return False  # quiet mode (bot.safety.quiet): nothing worded about the couple
        if kind == CONTINUE:
            dialog = await self._unfinished(turn)
            if dialog is None:
                return False
            delivery.ref = dialog
        elif kind == COUPLE and turn.user.couple_id is None:
            return False
        prompt = await self._next_prompt(turn, kind)
        delivery.kind, delivery.prompt = kind, prompt
        if kind == COUPLE and turn.user.couple_id is not None and reachable(turn.partner, turn.now):
            question = await couple.create_question(
                turn.session, turn.user.couple_id, prompt, turn.now
            )
            delivery.prompt, delivery.ref = question.prompt, str(question.id)
        return True

    async def _unfinished(self, turn: Turn) -> str | None:
        query = (
            select(DialogProgress)
            .where(DialogProgress.user_id == turn.user.id, DialogProgress.status == IN_PROGRESS)
            .order_by(col(DialogProgress.updated_at).desc())
        )
        for row in (await turn.session.exec(query)).all():
            if row.dialog in turn.content.dialogs and turn.content.dialogs[row.dialog].menu:
                return row.dialog
        return None

    async def _next_prompt(self, turn: Turn, kind: str) -> str:
        session = turn.session
        rotation = await session.get(NudgeRotation, (turn.user.id, kind))
        if rotation is None:
            rotation = NudgeRotation(user_id=turn.user.id, kind=kind)
        prompt = self.nudging.pools.pick(kind, turn.user.id, rotation.served)
        rotation.served += 1
        session.add(rotation)
        return prompt.id

    # -- rendering ----------------------------------------------------------------

    async def _render(self, turn: Turn, delivery: NudgeDelivery) -> bool:
        kind = delivery.kind or CHECKIN
        assert delivery.id is not None
        did = delivery.id
        if kind == carry.FOLLOWUP:
            found = await carry.body(turn, delivery, self.plannable)
            if found is None:
                return False
            body, first = found
            return self._send(turn, delivery, body, first)
        prompt = self.nudging.pools.get(kind, delivery.prompt)
        if prompt is None:
            return False
        text = prompt.text[turn.lang]
        partner = turn.partner.name if turn.partner else turn.t("nudge_your_partner")
        if kind == CHECKIN:
            body = turn.t("nudge_checkin", question=text.format(partner=partner))
            first: Keyboard = (
                tuple(b.button(turn, "nudge_score", b.Score(did, n), score=n) for n in range(1, 6)),
            )
        elif kind in WRITTEN:
            body = turn.t(f"nudge_{kind}", question=text.format(partner=partner))
            first = ((b.button(turn, "nudge_answer_now", b.AnswerNow(did)),),)
        elif kind == CONTINUE:
            if delivery.ref not in turn.content.dialogs:
                return False
            body = text.format(title=turn.content.title(delivery.ref, turn.lang))
            first = ((b.button(turn, "nudge_continue_now", b.ContinueNow(did)),),)
        else:
            together = delivery.ref is not None and reachable(turn.partner, turn.now)
            key = "nudge_couple" if together else "nudge_couple_solo"
            body = turn.t(key, question=text, partner=partner)
            first = ((b.button(turn, "nudge_answer_now", b.AnswerNow(did)),),)
        return self._send(turn, delivery, body, first)

    def _send(self, turn: Turn, delivery: NudgeDelivery, body: str, first: Keyboard) -> bool:
        assert delivery.id is not None
        did = delivery.id
        if delivery.snooze_of is not None:
            body = turn.t("nudge_snoozed_back") + "\n\n" + body
        if delivery.backoff_note:
            body = body + "\n\n" + turn.t("nudge_backoff_note")
        keyboard: Keyboard = (*first, *self._common_buttons(turn, did))
        turn.out.append(
            Outbound(turn.user.chat_id, turn.user.id, body, keyboard, ref=delivery_ref(did))
        )
        return True

    def _common_buttons(self, turn: Turn, did: int) -> Keyboard:
        return (
            (
                b.button(turn, "nudge_snooze_hour", b.SnoozeHour(did)),
                b.button(turn, "nudge_snooze_tomorrow", b.SnoozeTomorrow(did)),
            ),
            (b.button(turn, "nudge_fewer", b.Fewer(did)),),
        )
