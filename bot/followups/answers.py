"""Answering a follow-up: did it happen, how did it feel, or which day to ask again.

The answer edits the check-in message in place. Each partner's answer stays
private until both have answered; then both see both, with a warm line
either way. The plan row is locked while deciding, so two partners
answering at the same moment still see exactly one reveal each.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.followups.exercises import Plannable
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.nudges import buttons as b
from bot.nudges.models import NudgeDelivery
from bot.nudges.schedule import clock_text, snooze_tomorrow, zone
from bot.nudges.store import refresh_next, rhythm_of, schedule_for
from bot.storage.models import User
from bot.turn import Outbound, Turn

DAYS = (1, 3, 7)
""""Not yet": ask again tomorrow, in three days, or in a week."""
FEELINGS = (1, 2, 3, 4, 5)


class Answers:
    def __init__(self, plannable: Plannable, default_tz: str) -> None:
        self.plannable = plannable
        self.default_tz = default_tz

    # -- buttons (registered with the check-in buttons: `nu|<action>|<delivery>`) ----------

    async def did(self, turn: Turn, delivery: NudgeDelivery, pressed: b.FollowupDid) -> None:
        found = await self._open(turn, delivery)
        if found is None:
            return
        question = await self._question(turn, found)
        feelings = tuple(
            b.button(turn, "nudge_score", b.FollowupFelt(pressed.delivery, n), score=n)
            for n in FEELINGS
        )
        turn.say(turn.t("followup_how_did_it_feel", question=question), (feelings,), replace=True)

    async def felt(self, turn: Turn, delivery: NudgeDelivery, pressed: b.FollowupFelt) -> None:
        if pressed.feeling not in FEELINGS:
            turn.notice("unknown_button")
            return
        found = await self._open(turn, delivery)
        if found is None:
            return
        found.happened, found.feeling = True, pressed.feeling
        await self._answered(turn, found)

    async def skip(self, turn: Turn, delivery: NudgeDelivery, pressed: b.FollowupSkip) -> None:
        found = await self._open(turn, delivery)
        if found is None:
            return
        found.happened, found.feeling = False, None
        await self._answered(turn, found)

    async def later(self, turn: Turn, delivery: NudgeDelivery, pressed: b.FollowupLater) -> None:
        found = await self._open(turn, delivery)
        if found is None:
            return
        question = await self._question(turn, found)
        days = tuple(
            b.button(turn, f"followup_in_{n}", b.FollowupDay(pressed.delivery, n)) for n in DAYS
        )
        turn.say(turn.t("followup_which_day", question=question), (days,), replace=True)

    async def day(self, turn: Turn, delivery: NudgeDelivery, pressed: b.FollowupDay) -> None:
        """A new day for the follow-up, at the person's usual check-in time."""
        if pressed.days not in DAYS:
            turn.notice("unknown_button")
            return
        found = await self._open(turn, delivery)
        if found is None:
            return
        schedule = await schedule_for(turn.session, turn.user, turn.now, self.default_tz)
        rhythm = rhythm_of(schedule, turn.user, self.default_tz)
        when = snooze_tomorrow(rhythm, turn.now + timedelta(days=pressed.days - 1))
        found.not_before, found.delivery_id = when, None
        turn.session.add(found)
        schedule.snooze_until, schedule.snooze_of = when, delivery.id
        refresh_next(schedule)
        turn.session.add(schedule)
        local = when.astimezone(zone(rhythm.timezone))
        turn.say(
            turn.t(
                "followup_asking_again",
                date=local.strftime("%d.%m"),
                time=clock_text(local.hour * 60 + local.minute),
            ),
            replace=True,
        )

    # -- answering and revealing -----------------------------------------------------------

    async def _open(self, turn: Turn, delivery: NudgeDelivery) -> ExerciseFollowup | None:
        """This check-in's follow-up, if it is this person's and still unanswered."""
        found = (
            await turn.session.get(ExerciseFollowup, int(delivery.ref))
            if delivery.ref and delivery.ref.isdigit()
            else None
        )
        if found is None or found.user_id != turn.user.id:
            turn.notice("unknown_button")
            return None
        if found.answered:
            turn.notice("nudge_already_answered")
            return None
        return found

    async def _question(self, turn: Turn, found: ExerciseFollowup) -> str:
        plan = await turn.session.get(ExercisePlan, found.plan_id)
        entry = self.plannable.find(plan.source, plan.ref) if plan else None
        return entry.text[turn.lang] if entry else ""

    async def _answered(self, turn: Turn, found: ExerciseFollowup) -> None:
        found.answered_at = turn.now
        turn.session.add(found)
        await turn.session.flush()
        plan = await _locked(turn, found.plan_id)
        entry = self.plannable.find(plan.source, plan.ref)
        exercise = entry.text[turn.lang] if entry else ""
        turn.say(
            turn.t("followup_recorded", exercise=exercise, answer=_answer(turn, turn.lang, found)),
            replace=True,
        )
        partner = turn.partner
        theirs = await self._partners(turn, plan, partner)
        if theirs is None:
            turn.say_key(f"followup_thanks_{_tone(found, None)}")
            plan.revealed_at = plan.revealed_at or turn.now
        elif not theirs.answered or plan.revealed_at is not None or _hushed(turn):
            assert partner is not None
            turn.say_key("followup_waiting", partner=partner.name)
        else:
            assert partner is not None
            self._reveal(turn, partner, plan, found, theirs)
            plan.revealed_at = turn.now
        turn.session.add(plan)

    async def _partners(
        self, turn: Turn, plan: ExercisePlan, partner: User | None
    ) -> ExerciseFollowup | None:
        """The partner's follow-up of the same plan, if the plan is this couple's."""
        if partner is None or plan.couple_id is None or plan.couple_id != turn.user.couple_id:
            return None
        query = select(ExerciseFollowup).where(
            ExerciseFollowup.plan_id == plan.id, ExerciseFollowup.user_id == partner.id
        )
        return (await turn.session.exec(query.execution_options(populate_existing=True))).first()

    def _reveal(
        self,
        turn: Turn,
        partner: User,
        plan: ExercisePlan,
        mine: ExerciseFollowup,
        theirs: ExerciseFollowup,
    ) -> None:
        """Both answers, to each; the partner's copy names this person as its sender, who
        is told if it does not arrive (`Outbox.tell_sender`)."""
        entry = self.plannable.find(plan.source, plan.ref)
        tone = _tone(mine, theirs)

        def shown(viewer: User, me: ExerciseFollowup, other: ExerciseFollowup, name: str) -> str:
            lang = turn.content.lang(viewer.lang)
            return turn.content.t(
                "followup_reveal",
                lang,
                exercise=entry.text[lang] if entry else "",
                mine=_answer(turn, lang, me),
                partner=name,
                theirs=_answer(turn, lang, other),
                warm=turn.content.t(f"followup_warm_{tone}", lang),
            )

        own = shown(turn.user, mine, theirs, partner.name)
        turn.out.append(Outbound(turn.user.chat_id, turn.user.id, own))
        text = shown(partner, theirs, mine, turn.user.name)
        turn.composed_to_partner("followup_reveal", text)


def _hushed(turn: Turn) -> bool:
    """Quiet mode (bot.safety.quiet) on either side: nothing is revealed to the other."""
    return turn.user.quiet or (turn.partner is not None and turn.partner.quiet)


def _answer(turn: Turn, lang: str, found: ExerciseFollowup) -> str:
    if found.happened:
        return turn.content.t("followup_answer_happened", lang, feeling=found.feeling)
    return turn.content.t("followup_answer_not_this_time", lang)


def _tone(mine: ExerciseFollowup, theirs: ExerciseFollowup | None) -> str:
    """good, hard, mixed (one did, one didn't), or none — for one warm line."""
    answers = [f for f in (mine, theirs) if f is not None]
    happened = [f for f in answers if f.happened]
    if not happened:
        return "none"
    if any((f.feeling or 0) <= 2 for f in happened):
        return "hard"
    if len(happened) < len(answers):
        return "mixed"
    return "good"


async def _locked(turn: Turn, plan_id: int) -> ExercisePlan:
    query = (
        select(ExercisePlan)
        .where(ExercisePlan.id == plan_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await turn.session.exec(query)).one()
