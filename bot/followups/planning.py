"""Making a plan when someone says "We'll try it", with a follow-up for each partner.

Both partners get a follow-up (the partner is told now what was planned, so
the question later makes sense). If the partner already planned the same
thing in the last two weeks, that plan is joined rather than doubled; the
couple row is locked while deciding, so two taps at the same moment make one
plan.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.followups.exercises import Plannable
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.library.entries import Entry
from bot.nudges.context import reachable
from bot.storage.models import Couple
from bot.turn import Turn

FOLLOW_UP_AFTER = timedelta(days=2)
"""The first check-in at least this long after planning asks how it went."""
OPEN_FOR = timedelta(days=14)


class Planning:
    def __init__(self, plannable: Plannable) -> None:
        self.plannable = plannable

    async def plan(self, turn: Turn, source: str, entry: Entry) -> None:
        session = turn.session
        couple_id = turn.user.couple_id
        partner = turn.partner if couple_id is not None else None
        if couple_id is not None:
            await session.exec(select(Couple.id).where(Couple.id == couple_id).with_for_update())
        existing = await self._open_plan(turn, source, entry.id)
        if existing is not None:
            await self._follow_up(turn, existing, turn.user.id)
            turn.add_to_last(turn.t("followup_planned_again"))
            return
        plan = ExercisePlan(
            couple_id=couple_id,
            planned_by=turn.user.id,
            source=source,
            ref=entry.id,
            section=entry.section or "",
            created_at=turn.now,
        )
        session.add(plan)
        await session.flush()
        await self._follow_up(turn, plan, turn.user.id)
        if partner is not None and partner.active:
            await self._follow_up(turn, plan, partner.id)
            turn.add_to_last(turn.t("followup_planned_together", partner=partner.name))
            if reachable(partner, turn.now):
                turn.to_partner(
                    "followup_partner_told",
                    name=turn.user.name,
                    exercise=entry.text[turn.content.lang(partner.lang)],
                )
        else:
            turn.add_to_last(turn.t("followup_planned_solo"))

    async def _open_plan(self, turn: Turn, source: str, ref: str) -> ExercisePlan | None:
        query = select(ExercisePlan).where(
            ExercisePlan.source == source,
            ExercisePlan.ref == ref,
            col(ExercisePlan.revealed_at).is_(None),
            ExercisePlan.created_at > turn.now - OPEN_FOR,
        )
        if turn.user.couple_id is not None:
            query = query.where(ExercisePlan.couple_id == turn.user.couple_id)
        else:
            query = query.where(
                col(ExercisePlan.couple_id).is_(None), ExercisePlan.planned_by == turn.user.id
            )
        return (await turn.session.exec(query)).first()

    async def _follow_up(self, turn: Turn, plan: ExercisePlan, user_id: int) -> None:
        assert plan.id is not None
        found = await turn.session.exec(
            select(ExerciseFollowup).where(
                ExerciseFollowup.plan_id == plan.id, ExerciseFollowup.user_id == user_id
            )
        )
        if found.first() is None:
            turn.session.add(
                ExerciseFollowup(
                    plan_id=plan.id, user_id=user_id, not_before=turn.now + FOLLOW_UP_AFTER
                )
            )
