"""Couple questions from the pool: both answer privately, then both see both answers.

The question reaches each partner through their *own* check-in schedule (so
nobody gets a second unprompted message that day): whoever's check-in comes
first opens a question for the couple, and the other partner's next check-in
brings the same one. When both have answered, both see both answers. If the
partner has paused or blocked the bot, no shared question is opened: the
active partner gets the question worded for one, and the answer stays theirs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.nudges.models import (
    NUDGE,
    SKIPPED,
    NudgeAnswer,
    NudgeCoupleQuestion,
    NudgeDelivery,
)
from bot.storage.models import User

OPEN_FOR = timedelta(days=14)
"""A question still unanswered by both after two weeks quietly closes."""


async def open_question(
    session: AsyncSession, couple_id: int, now: datetime
) -> NudgeCoupleQuestion | None:
    query = (
        select(NudgeCoupleQuestion)
        .where(
            NudgeCoupleQuestion.couple_id == couple_id,
            col(NudgeCoupleQuestion.revealed_at).is_(None),
            NudgeCoupleQuestion.created_at > now - OPEN_FOR,
        )
        .order_by(col(NudgeCoupleQuestion.seq).desc())
    )
    return (await session.exec(query)).first()


async def has_received(session: AsyncSession, user: User, question: NudgeCoupleQuestion) -> bool:
    """Was this question already sent to (or answered by) `user`?"""
    sent = select(NudgeDelivery.id).where(
        NudgeDelivery.user_id == user.id,
        NudgeDelivery.stream == NUDGE,
        NudgeDelivery.kind == "couple",
        NudgeDelivery.ref == str(question.id),
        NudgeDelivery.status != SKIPPED,
    )
    if (await session.exec(sent)).first() is not None:
        return True
    return await answer_of(session, user, question) is not None


async def answer_of(
    session: AsyncSession, user: User, question: NudgeCoupleQuestion
) -> NudgeAnswer | None:
    query = select(NudgeAnswer).where(
        NudgeAnswer.user_id == user.id, NudgeAnswer.question_id == question.id
    )
    return (await session.exec(query)).first()


async def create_question(
    session: AsyncSession, couple_id: int, prompt: str, now: datetime
) -> NudgeCoupleQuestion:
    """Open a new question; if the partner's check-in opened one at the same moment, use theirs."""
    for _ in range(3):
        seq = (
            await session.exec(
                select(func.coalesce(func.max(NudgeCoupleQuestion.seq), 0)).where(
                    NudgeCoupleQuestion.couple_id == couple_id
                )
            )
        ).one()
        question = NudgeCoupleQuestion(
            couple_id=couple_id, seq=seq + 1, prompt=prompt, created_at=now
        )
        try:
            async with session.begin_nested():
                session.add(question)
                await session.flush()
            return question
        except IntegrityError:
            found = await open_question(session, couple_id, now)
            if found is not None:
                return found
    raise RuntimeError("could not open a couple question")  # pragma: no cover


async def locked(session: AsyncSession, question_id: int) -> NudgeCoupleQuestion | None:
    """The question row, locked until the transaction ends: exactly one reveal."""
    query = (
        select(NudgeCoupleQuestion)
        .where(NudgeCoupleQuestion.id == question_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()
