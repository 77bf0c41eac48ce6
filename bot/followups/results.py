"""What came of the exercises: for the suggestions, the weekly picture and /progress.

Each person's own answers shape their own suggestions; the weekly picture
shows a partner's answer only once it was revealed to both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.followups.models import ExerciseFollowup, ExercisePlan


async def felt_by_section(session: AsyncSession, user_id: int) -> dict[str, int]:
    """Section -> how the latest exercise from it felt (1-5), 0 when it did not happen."""
    query = (
        select(ExercisePlan.section, ExerciseFollowup.happened, ExerciseFollowup.feeling)
        .join(ExercisePlan, col(ExercisePlan.id) == ExerciseFollowup.plan_id)
        .where(ExerciseFollowup.user_id == user_id, col(ExerciseFollowup.answered_at).is_not(None))
        .order_by(col(ExerciseFollowup.answered_at))
    )
    found: dict[str, int] = {}
    for section, happened, feeling in (await session.exec(query)).all():
        found[section] = (feeling or 0) if happened else 0
    return found


async def answered_since(
    session: AsyncSession, user_id: int, since: datetime
) -> list[tuple[ExercisePlan, ExerciseFollowup]]:
    """This person's answered follow-ups since `since`, oldest first."""
    query = (
        select(ExercisePlan, ExerciseFollowup)
        .join(ExerciseFollowup, col(ExercisePlan.id) == ExerciseFollowup.plan_id)
        .where(ExerciseFollowup.user_id == user_id, ExerciseFollowup.answered_at >= since)
        .order_by(col(ExerciseFollowup.answered_at))
    )
    return [(plan, followup) for plan, followup in (await session.exec(query)).all()]


async def tried(session: AsyncSession, user_ids: Sequence[int]) -> int:
    """Plans that happened for at least one of these people (each plan counted once)."""
    query = (
        select(func.count(func.distinct(ExerciseFollowup.plan_id)))
        .where(col(ExerciseFollowup.user_id).in_(user_ids))
        .where(or_(col(ExerciseFollowup.happened).is_(True)))
    )
    return int((await session.exec(query)).one())
