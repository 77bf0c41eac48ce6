"""What happens when someone reacts to a check-in: its buttons and typed answers.

Any reaction counts as engagement (the ignored-check-ins counter starts over).
Scores and answers are private; the author decides, per answer, whether the
partner may see it. Couple-question answers are revealed to both once both
have answered, as the question says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlmodel import select

from bot.conversations import back_to_dialog, open_topic
from bot.engine.outputs import Keyboard
from bot.engine.payloads import Payload
from bot.followups.answers import Answers
from bot.nudges import awaiting, couple
from bot.nudges import buttons as b
from bot.nudges.context import Nudging, reachable
from bot.nudges.models import NUDGE, NudgeAnswer, NudgeCheckin, NudgeDelivery, NudgeSchedule
from bot.nudges.pools import CHECKIN, CONTINUE, COUPLE, CURIOSITY, PLAY, WRITTEN
from bot.nudges.schedule import MAX_STRIDE, clock_text, snooze_hour, snooze_tomorrow, zone
from bot.nudges.store import refresh_next, reschedule, rhythm_of, schedule_for
from bot.plugins import ButtonHandler
from bot.turn import Turn

P = TypeVar("P", bound=b.OnDelivery)
OnDelivery = Callable[[Turn, NudgeDelivery, P], Awaitable[None]]
"""What a button under a delivered check-in does, once the delivery is found to be theirs."""

ANSWER = "answer:"
FOLLOWUP = "followup:"
MAX_ANSWER_CHARS = 3000


class Responses:
    def __init__(self, nudging: Nudging, followups: Answers) -> None:
        self.nudging = nudging
        self.followups = followups

    def buttons(self) -> dict[type[Payload], ButtonHandler]:
        """The check-in's own buttons, and its follow-up's: each acts on one delivery."""
        on = self._on_delivery
        f = self.followups
        return {
            b.Score: on(self.score),
            b.AnswerNow: on(self.answer_now),
            b.ContinueNow: on(self.continue_now),
            b.SnoozeHour: on(self.snooze),
            b.SnoozeTomorrow: on(self.snooze),
            b.Fewer: on(self.fewer),
            b.FollowupDid: on(f.did),
            b.FollowupFelt: on(f.felt),
            b.FollowupLater: on(f.later),
            b.FollowupDay: on(f.day),
            b.FollowupSkip: on(f.skip),
            b.ShareScore: self.share,
            b.ShareAnswer: self.share,
        }

    # -- buttons ----------------------------------------------------------------

    def _on_delivery(self, action: OnDelivery[P]) -> Callable[[Turn, P], Awaitable[None]]:
        """A button under someone's own delivered check-in; reacting to it is engagement."""

        async def press(turn: Turn, pressed: P) -> None:
            delivery = await self._delivery(turn, pressed.delivery)
            if delivery is None:
                turn.notice("unknown_button")
                return
            await self._engaged(turn, delivery)
            await action(turn, delivery, pressed)

        return press

    async def _delivery(self, turn: Turn, delivery_id: int) -> NudgeDelivery | None:
        delivery = await turn.session.get(NudgeDelivery, delivery_id)
        if delivery is None or delivery.user_id != turn.user.id or delivery.stream != NUDGE:
            return None
        return delivery

    async def _engaged(self, turn: Turn, delivery: NudgeDelivery) -> None:
        if delivery.engaged_at is None:
            delivery.engaged_at = turn.now
            turn.session.add(delivery)
        schedule = await self._schedule(turn)
        if schedule.unanswered:
            schedule.unanswered = 0
            turn.session.add(schedule)

    async def _schedule(self, turn: Turn) -> NudgeSchedule:
        return await schedule_for(turn.session, turn.user, turn.now, self.nudging.default_tz)

    async def score(self, turn: Turn, delivery: NudgeDelivery, pressed: b.Score) -> None:
        if delivery.kind != CHECKIN or pressed.score not in range(1, 6):
            turn.notice("unknown_button")
            return
        existing = await turn.session.exec(
            select(NudgeCheckin).where(NudgeCheckin.delivery_id == delivery.id)
        )
        if existing.first() is not None:
            turn.notice("nudge_already_answered")
            return
        value = pressed.score
        checkin = NudgeCheckin(
            user_id=turn.user.id,
            score=value,
            delivery_id=delivery.id,
            couple_id=delivery.couple_id,
            created_at=turn.now,
        )
        turn.session.add(checkin)
        await turn.session.flush()
        prompt = self.nudging.pools.get(CHECKIN, delivery.prompt)
        question = prompt.text[turn.lang].format(partner=self._partner_name(turn)) if prompt else ""
        turn.say(turn.t("nudge_score_chosen", question=question, score=value), replace=True)
        band = "low" if value <= 2 else "mid" if value == 3 else "high"
        keyboard: Keyboard = ()
        if _ours(turn, checkin.couple_id):
            keyboard = (
                (
                    b.button(turn, "nudge_share_score", b.ShareScore(checkin.id, True)),
                    b.button(turn, "nudge_keep_private", b.ShareScore(checkin.id, False)),
                ),
            )
        turn.say(turn.t(f"nudge_followup_{band}"), keyboard)
        await awaiting.expect(turn, f"{FOLLOWUP}{checkin.id}")

    def _partner_name(self, turn: Turn) -> str:
        return turn.partner.name if turn.partner else turn.t("nudge_your_partner")

    async def answer_now(self, turn: Turn, delivery: NudgeDelivery, pressed: b.AnswerNow) -> None:
        if delivery.kind not in (*WRITTEN, COUPLE):
            turn.notice("unknown_button")
            return
        if await self._answered(turn, delivery):
            turn.notice("nudge_already_answered")
            return
        together = delivery.kind == COUPLE and delivery.ref is not None
        turn.say_key("nudge_type_couple_answer" if together else "nudge_type_answer")
        await awaiting.expect(turn, f"{ANSWER}{delivery.id}")

    async def _answered(self, turn: Turn, delivery: NudgeDelivery) -> bool:
        if delivery.kind == COUPLE and delivery.ref is not None and delivery.ref.isdigit():
            query = select(NudgeAnswer).where(
                NudgeAnswer.user_id == turn.user.id,
                NudgeAnswer.question_id == int(delivery.ref),
            )
            return (await turn.session.exec(query)).first() is not None
        return False

    async def continue_now(
        self, turn: Turn, delivery: NudgeDelivery, pressed: b.ContinueNow
    ) -> None:
        if delivery.kind != CONTINUE or delivery.ref is None:
            turn.notice("unknown_button")
            return
        await open_topic(turn, delivery.ref)

    async def snooze(
        self, turn: Turn, delivery: NudgeDelivery, pressed: b.SnoozeHour | b.SnoozeTomorrow
    ) -> None:
        schedule = await self._schedule(turn)
        rhythm = rhythm_of(schedule, turn.user, self.nudging.default_tz)
        hour = isinstance(pressed, b.SnoozeHour)
        until = snooze_hour(rhythm, turn.now) if hour else snooze_tomorrow(rhythm, turn.now)
        schedule.snooze_until, schedule.snooze_of = until, delivery.id
        refresh_next(schedule)
        turn.session.add(schedule)
        local = until.astimezone(zone(rhythm.timezone))
        key = "nudge_snoozed_hour" if hour else "nudge_snoozed_tomorrow"
        turn.say(turn.t(key, time=clock_text(local.hour * 60 + local.minute)), replace=True)

    async def fewer(self, turn: Turn, delivery: NudgeDelivery, pressed: b.Fewer) -> None:
        schedule = await self._schedule(turn)
        if schedule.stride >= MAX_STRIDE:
            turn.say(turn.t("nudge_fewer_already"), replace=True)
            return
        schedule.stride *= 2
        reschedule(schedule, turn.user, turn.now, self.nudging.default_tz)
        turn.session.add(schedule)
        turn.say(turn.t("nudge_fewer_done"), replace=True)

    async def share(self, turn: Turn, pressed: b.ShareScore | b.ShareAnswer) -> None:
        yes = pressed.yes
        row: NudgeCheckin | NudgeAnswer | None
        if isinstance(pressed, b.ShareScore):
            row = await turn.session.get(NudgeCheckin, pressed.checkin)
        else:
            row = await turn.session.get(NudgeAnswer, pressed.answer)
        if row is None or row.user_id != turn.user.id:
            turn.notice("unknown_button")
            return
        if yes and not _ours(turn, row.couple_id):
            turn.say(turn.t("old_link_button"), replace=True)
            return
        if isinstance(row, NudgeCheckin):
            row.shared = yes
            turn.say(turn.t("nudge_score_shared" if yes else "nudge_score_private"), replace=True)
        elif yes and not row.shared:
            key = {CURIOSITY: "nudge_curiosity_shared", PLAY: "nudge_play_shared"}.get(
                row.kind, "nudge_appreciation_shared"
            )
            # `about` names the answer: undelivered, it is unshared again (`Outbox.tell_sender`)
            if turn.to_partner(key, about={"answer": row.id}, name=turn.user.name, text=row.text):
                row.shared = True
                partner = turn.partner.name if turn.partner is not None else ""
                turn.say(turn.t("shared", partner=partner), replace=True)
        elif not yes:
            turn.say(turn.t("kept_private"), replace=True)
        turn.session.add(row)

    # -- typed answers ------------------------------------------------------------

    async def typed(self, turn: Turn, schedule: NudgeSchedule, what: str, text: str) -> bool:
        text = text.strip()[:MAX_ANSWER_CHARS]
        if not text:
            return False
        await awaiting.clear(turn)
        if what.startswith(FOLLOWUP):
            await self._followup(turn, what.removeprefix(FOLLOWUP), text)
            await back_to_dialog(turn)
            return True
        delivery = await self._delivery(turn, what.removeprefix(ANSWER))
        if delivery is None or delivery.kind not in (*WRITTEN, COUPLE):
            return False
        await self._engaged(turn, delivery)
        answer = NudgeAnswer(
            user_id=turn.user.id,
            kind=delivery.kind,
            prompt=delivery.prompt or "",
            text=text,
            couple_id=delivery.couple_id,
            created_at=turn.now,
        )
        if delivery.kind == COUPLE and delivery.ref is not None and delivery.ref.isdigit():
            await self._couple_answer(turn, answer, int(delivery.ref))
        else:
            await self._written_answer(turn, delivery, answer)
        await back_to_dialog(turn)  # answered on the side: the conversation goes on
        return True

    async def _written_answer(
        self, turn: Turn, delivery: NudgeDelivery, answer: NudgeAnswer
    ) -> None:
        turn.session.add(answer)
        await turn.session.flush()
        if (
            delivery.kind in WRITTEN
            and reachable(turn.partner, turn.now)
            and _ours(turn, answer.couple_id)
        ):
            keyboard = (
                (
                    b.button(turn, "share_with_partner", b.ShareAnswer(answer.id, True)),
                    b.button(turn, "keep_private", b.ShareAnswer(answer.id, False)),
                ),
            )
            turn.say(turn.t(f"nudge_{delivery.kind}_saved_share"), keyboard)
        else:
            turn.say_key("nudge_answer_saved")

    async def _followup(self, turn: Turn, raw: str, text: str) -> None:
        checkin = await turn.session.get(NudgeCheckin, int(raw)) if raw.isdigit() else None
        if checkin is None or checkin.user_id != turn.user.id:
            turn.say_key("nudge_answer_saved")
            return
        delivery = (
            await turn.session.get(NudgeDelivery, checkin.delivery_id)
            if checkin.delivery_id
            else None
        )
        turn.session.add(
            NudgeAnswer(
                user_id=turn.user.id,
                kind=CHECKIN,
                prompt=(delivery.prompt if delivery else None) or "",
                text=text,
                couple_id=checkin.couple_id,
                created_at=turn.now,
            )
        )
        turn.say_key("nudge_followup_saved")

    async def _couple_answer(self, turn: Turn, answer: NudgeAnswer, question_id: int) -> None:
        session = turn.session
        question = await couple.locked(session, question_id)
        partner = turn.partner
        if question is None or partner is None or question.couple_id != turn.user.couple_id:
            answer.couple_id = None  # a question of an earlier couple: kept for oneself
            session.add(answer)
            turn.say_key("nudge_answer_saved")
            return
        if await couple.answer_of(session, turn.user, question) is not None:
            turn.notice("nudge_already_answered")
            return
        answer.question_id = question.id
        answer.shared = True  # the question said both answers will be seen together
        session.add(answer)
        theirs = await couple.answer_of(session, partner, question)
        hushed = turn.user.quiet or partner.quiet  # quiet mode: bot.safety.quiet
        if theirs is None or question.revealed_at is not None or hushed:
            turn.say_key("nudge_couple_waiting", partner=partner.name)
            return
        prompt = self.nudging.pools.get(COUPLE, question.prompt)
        mine_q = prompt.text[turn.lang] if prompt else ""
        turn.say_key(
            "nudge_couple_reveal",
            question=mine_q,
            mine=answer.text,
            name=partner.name,
            theirs=theirs.text,
        )
        theirs_q = prompt.text[turn.content.lang(partner.lang)] if prompt else ""
        turn.to_partner(
            "nudge_couple_reveal",
            question=theirs_q,
            mine=theirs.text,
            name=turn.user.name,
            theirs=answer.text,
        )
        question.revealed_at = turn.now
        session.add(question)


def _ours(turn: Turn, couple_id: int | None) -> bool:
    """Whether something made in `couple_id` may reach this person's current partner."""
    return couple_id is not None and couple_id == turn.user.couple_id
