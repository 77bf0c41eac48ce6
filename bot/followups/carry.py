"""A follow-up rides on the person's own next check-in (see bot/nudges/compose.py).

So it inherits everything check-ins promise: never in quiet hours, never
during a pause, at most one unprompted message a day, and the sweep's
exactly-once delivery through crashes and restarts. The follow-up remembers
the check-in that carried it; one that was skipped or failed lets it ride
on the next. An unanswered follow-up is not asked again: no nagging.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.outputs import Keyboard
from bot.followups.exercises import Plannable
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.nudges import buttons as b
from bot.nudges.models import FAILED, SKIPPED, NudgeDelivery
from bot.turn import Turn

FOLLOWUP = "followup"
"""The check-in kind that carries a follow-up (`NudgeDelivery.kind`; `ref` is its id)."""
EXPIRES = timedelta(days=30)
"""A plan older than this is not followed up any more."""


async def due(session: AsyncSession, user_id: int, now) -> ExerciseFollowup | None:  # type: ignore[no-untyped-def]
    """The person's oldest follow-up whose day has come and that no check-in carried yet."""
    carrier = NudgeDelivery.__table__.c  # type: ignore[attr-defined]
    query = (
        select(ExerciseFollowup)
        .join(ExercisePlan, col(ExercisePlan.id) == ExerciseFollowup.plan_id)
        .outerjoin(NudgeDelivery, carrier.id == ExerciseFollowup.delivery_id)
        .where(
            ExerciseFollowup.user_id == user_id,
            col(ExerciseFollowup.answered_at).is_(None),
            ExerciseFollowup.not_before <= now,
            ExercisePlan.created_at > now - EXPIRES,
            or_(
                col(ExerciseFollowup.delivery_id).is_(None),
                carrier.status.in_((SKIPPED, FAILED)),
            ),
        )
        .order_by(col(ExerciseFollowup.not_before))
        .limit(1)
    )
    return (await session.exec(query)).first()


async def take_due(turn: Turn, delivery: NudgeDelivery) -> bool:
    """Make this check-in the follow-up, if one is due; False leaves it a usual check-in."""
    found = await due(turn.session, turn.user.id, turn.now)
    if found is None:
        return False
    delivery.kind, delivery.ref, delivery.prompt = FOLLOWUP, str(found.id), None
    found.delivery_id = delivery.id
    turn.session.add(found)
    return True


async def carried_again(turn: Turn, delivery: NudgeDelivery) -> None:
    """A snoozed follow-up came back on a new check-in: that one carries it now."""
    found = await _mine(turn, delivery)
    if found is not None and not found.answered:
        found.delivery_id = delivery.id
        turn.session.add(found)


async def _mine(turn: Turn, delivery: NudgeDelivery) -> ExerciseFollowup | None:
    if delivery.ref is None or not delivery.ref.isdigit():
        return None
    found = await turn.session.get(ExerciseFollowup, int(delivery.ref))
    return found if found is not None and found.user_id == turn.user.id else None


async def body(
    turn: Turn, delivery: NudgeDelivery, plannable: Plannable
) -> tuple[str, Keyboard] | None:
    """The follow-up's words and first buttons; None if it no longer needs asking."""
    found = await _mine(turn, delivery)
    if found is None or found.answered:
        return None
    plan = await turn.session.get(ExercisePlan, found.plan_id)
    entry = plannable.find(plan.source, plan.ref) if plan else None
    if plan is None or entry is None:
        return None
    together = plan.couple_id is not None and plan.couple_id == turn.user.couple_id
    key = "followup_question_together" if together else "followup_question_solo"
    assert delivery.id is not None
    did = delivery.id
    keyboard: Keyboard = (
        (
            b.button(turn, "followup_did", b.FollowupDid(did)),
            b.button(turn, "followup_not_yet", b.FollowupLater(did)),
        ),
        (b.button(turn, "followup_wont", b.FollowupSkip(did)),),
    )
    return turn.t(key, exercise=entry.text[turn.lang]), keyboard
