"""A recent check-in as a Talk Table topic: the couple question both were asked lately.

The topic is the prompt only. Answers to it were written privately and stay so:
nothing of them is ever posted in the group. Each partner who answered may be
reminded of their *own* answer in their private chat; nobody is shown the
other's (a partner shares an answer by saying it at the table, if they want to).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.nudges.models import NudgeAnswer, NudgeCoupleQuestion
from bot.nudges.pools import COUPLE, Pools, Prompt

RECENT = timedelta(days=14)
"""How far back a check-in still counts as recent enough to talk about."""
LOOK_AT = 5
"""The newest questions looked at for one that was answered."""


@dataclass(frozen=True)
class Recent:
    prompt: Prompt
    answers: dict[int, str] = field(default_factory=dict)
    """Each partner's own answer, by user id: only ever shown back to its author."""

    def text(self, lang: str) -> str:
        return self.prompt.text.get(lang) or next(iter(self.prompt.text.values()))


async def recent_checkin(
    session: AsyncSession, couple_id: int | None, now: datetime, pools: Pools | None
) -> Recent | None:
    """The couple's newest check-in question of the last two weeks that one of them
    answered (for this couple: an answer from before a relink is not theirs), or None."""
    if couple_id is None or pools is None:
        return None
    query = (
        select(NudgeCoupleQuestion)
        .where(
            NudgeCoupleQuestion.couple_id == couple_id,
            NudgeCoupleQuestion.created_at > now - RECENT,
        )
        .order_by(col(NudgeCoupleQuestion.seq).desc())
        .limit(LOOK_AT)
    )
    for question in (await session.exec(query)).all():
        prompt = pools.get(COUPLE, question.prompt)
        if prompt is None:
            continue  # a prompt since removed from the pool
        answered = select(NudgeAnswer).where(
            NudgeAnswer.question_id == question.id, NudgeAnswer.couple_id == couple_id
        )
        answers = {a.user_id: a.text for a in (await session.exec(answered)).all()}
        if answers:
            return Recent(prompt, answers)
    return None
