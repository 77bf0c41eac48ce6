"""/progress: what the couple did together — never a streak, never what was missed.

Counted for the two of them (or for one, when alone): conversations either
finished, exercises that happened, questions both answered (and so saw
together), and love-maps rounds played. Counting only what happened means
a quiet month simply adds nothing; it never shows as a loss.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from bot.followups import results
from bot.lovemaps.models import LoveMapRound
from bot.nudges.models import NudgeCoupleQuestion
from bot.storage import repo
from bot.storage.models import DialogProgress, Reflection
from bot.together.models import CoupleQuestion
from bot.turn import Turn


async def counts(turn: Turn) -> dict[str, int]:
    session = turn.session
    people = [turn.user.id] + ([turn.partner.id] if turn.partner is not None else [])
    finished = await session.exec(
        select(func.count(func.distinct(DialogProgress.dialog))).where(
            col(DialogProgress.user_id).in_(people),
            DialogProgress.status == repo.DONE,
            col(DialogProgress.dialog).in_(turn.content.topics),
        )
    )
    found = {
        "conversations": int(finished.one()),
        "exercises": await results.tried(session, people),
    }
    couple_id = turn.user.couple_id
    if turn.partner is None or couple_id is None:
        mine = await session.exec(
            select(func.count()).select_from(Reflection).where(Reflection.user_id == turn.user.id)
        )
        return {**found, "questions": int(mine.one()), "rounds": 0}
    questions = 0
    for model in (CoupleQuestion, NudgeCoupleQuestion):
        revealed = await session.exec(
            select(func.count())
            .select_from(model)
            .where(model.couple_id == couple_id, col(model.revealed_at).is_not(None))
        )
        questions += int(revealed.one())
    rounds = await session.exec(
        select(func.count())
        .select_from(LoveMapRound)
        .where(LoveMapRound.couple_id == couple_id, col(LoveMapRound.revealed_at).is_not(None))
    )
    return {**found, "questions": questions, "rounds": int(rounds.one())}


async def show(turn: Turn) -> None:
    found = await counts(turn)
    if turn.partner is not None:
        turn.say_key("path_progress_together", partner=turn.partner.name, **found)
    else:
        turn.say_key("path_progress_solo", **found)
