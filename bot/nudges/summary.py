"""The weekly summary (opt-in): a chart of check-in scores and one encouraging sentence.

Privacy: the picture shows the viewer's own scores and only those of the
partner's scores the partner chose to share within this couple (never one
shared with someone before). When the partner has paused or
blocked the bot, the picture and its words are for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.followups import results
from bot.followups.exercises import Plannable
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.nudges.chart import ChartData, Series, render
from bot.nudges.context import Nudging, reachable
from bot.nudges.models import NudgeCheckin, NudgeDelivery, delivery_ref
from bot.nudges.schedule import zone
from bot.storage.models import User
from bot.turn import Outbound, Photo, Turn

WEEKS = 6


@dataclass(frozen=True)
class WeeklyScores:
    weeks: tuple[date, ...]
    mine: tuple[float | None, ...]
    theirs: tuple[float | None, ...] | None
    """None when there is no partner to show (unlinked, paused or blocked)."""

    @property
    def empty(self) -> bool:
        return all(v is None for v in (*self.mine, *(self.theirs or ())))


async def weekly_scores(
    session: AsyncSession,
    user: User,
    partner: User | None,
    now: datetime,
    timezone: str,
    weeks: int = WEEKS,
) -> WeeklyScores:
    tz = zone(timezone)
    today = now.astimezone(tz).date()
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    starts = tuple(first + timedelta(weeks=i) for i in range(weeks))
    since = datetime.combine(first, time(0), tz).astimezone(UTC)
    mine = await _scores(session, user.id, since)
    theirs = await _shared_scores(session, partner, since) if partner is not None else None

    def by_week(rows: list[NudgeCheckin]) -> tuple[float | None, ...]:
        buckets: dict[date, list[int]] = {}
        for row in rows:
            local = row.created_at.astimezone(tz).date()
            buckets.setdefault(local - timedelta(days=local.weekday()), []).append(row.score)
        return tuple(round(mean(buckets[w]), 2) if w in buckets else None for w in starts)

    return WeeklyScores(starts, by_week(mine), by_week(theirs) if theirs is not None else None)


async def _scores(session: AsyncSession, user_id: int, since: datetime) -> list[NudgeCheckin]:
    """All of a person's own scores, private ones included (the picture is theirs)."""
    query = select(NudgeCheckin).where(
        NudgeCheckin.user_id == user_id, NudgeCheckin.created_at >= since
    )
    return list((await session.exec(query)).all())


async def _shared_scores(
    session: AsyncSession, partner: User, since: datetime
) -> list[NudgeCheckin]:
    """The partner's scores shared within the current couple, none from an earlier one."""
    if partner.couple_id is None:
        return []
    query = select(NudgeCheckin).where(
        NudgeCheckin.user_id == partner.id,
        NudgeCheckin.created_at >= since,
        col(NudgeCheckin.shared).is_(True),
        NudgeCheckin.couple_id == partner.couple_id,
    )
    return list((await session.exec(query)).all())


def encouragement(scores: WeeklyScores) -> str:
    """Which sentence fits: rising, a steady habit, a hard week, or simply thanks."""
    mine = [v for v in scores.mine if v is not None]
    theirs = [v for v in (scores.theirs or ()) if v is not None]
    latest = [s[-1] for s in (mine, theirs) if s]
    if latest and min(latest) <= 2:
        return "gentle"
    series = [s for s in (mine, theirs) if len(s) >= 2]
    if series and all(s[-1] > s[-2] for s in series):
        return "rising"
    weeks = sum(
        1
        for i in range(len(scores.weeks))
        if scores.mine[i] is not None or (scores.theirs and scores.theirs[i] is not None)
    )
    if weeks >= 3:
        return "steady"
    return "thanks"


class Summaries:
    def __init__(self, nudging: Nudging, plannable: Plannable) -> None:
        self.nudging = nudging
        self.plannable = plannable

    async def compose(self, turn: Turn, delivery: NudgeDelivery) -> bool:
        partner = turn.partner if reachable(turn.partner, turn.now) else None
        timezone = self.nudging.timezone(turn.user)
        scores = await weekly_scores(turn.session, turn.user, partner, turn.now, timezone)
        tried = await self._exercises(turn, partner, scores.weeks[0], timezone)
        if scores.empty and not tried:
            return False
        mode = "together" if partner is not None else "solo"
        sentence = turn.t(f"summary_{mode}_{encouragement(scores)}")
        caption = sentence
        week_start = datetime.combine(scores.weeks[-1], time(0), zone(timezone)).astimezone(UTC)
        lines = [self._line(turn, plan, f) for plan, f in tried if f.answered_at >= week_start]
        if lines:
            caption += "\n\n" + turn.t("summary_exercises", lines="\n".join(lines))
        if partner is not None:
            caption += "\n\n" + turn.t("summary_privacy", partner=partner.name)
        series = [Series(turn.t("summary_you"), scores.mine)]
        if partner is not None and scores.theirs is not None:
            series.append(Series(partner.name, scores.theirs))
        marks = _by_week([f for _, f in tried], scores.weeks, timezone)
        png = render(
            ChartData(
                turn.t("summary_title"),
                scores.weeks,
                tuple(series),
                turn.t("summary_y"),
                Series(turn.t("summary_exercises_label"), marks) if tried else None,
            )
        )
        assert delivery.id is not None
        turn.out.append(
            Outbound(
                turn.user.chat_id,
                turn.user.id,
                attachment=Photo(png, caption),
                ref=delivery_ref(delivery.id),
            )
        )
        return True

    async def _exercises(
        self, turn: Turn, partner: User | None, first_week: date, timezone: str
    ) -> list[tuple[ExercisePlan, ExerciseFollowup]]:
        """Exercises answered in the picture's weeks: mine, and my partner's once revealed."""
        since = datetime.combine(first_week, time(0), zone(timezone)).astimezone(UTC)
        found = await results.answered_since(turn.session, turn.user.id, since)
        if partner is not None:
            theirs = await results.answered_since(turn.session, partner.id, since)
            found += [(p, f) for p, f in theirs if p.revealed_at is not None]
        return sorted(found, key=lambda pf: pf[1].answered_at or since)

    def _line(self, turn: Turn, plan: ExercisePlan, followup: ExerciseFollowup) -> str:
        entry = self.plannable.find(plan.source, plan.ref)
        mine = followup.user_id == turn.user.id
        who = turn.t("summary_you") if mine or turn.partner is None else turn.partner.name
        if followup.happened:
            answer = turn.t("followup_answer_happened", feeling=followup.feeling)
        else:
            answer = turn.t("followup_answer_not_this_time")
        return turn.t(
            "summary_exercise_line",
            exercise=entry.text[turn.lang] if entry else "",
            who=who,
            answer=answer,
        )


def _by_week(
    followups: list[ExerciseFollowup], weeks: tuple[date, ...], timezone: str
) -> tuple[float | None, ...]:
    """How the exercises that happened felt, averaged per week (None: none that week)."""
    tz = zone(timezone)
    buckets: dict[date, list[int]] = {}
    for f in followups:
        if f.happened and f.feeling and f.answered_at is not None:
            local = f.answered_at.astimezone(tz).date()
            buckets.setdefault(local - timedelta(days=local.weekday()), []).append(f.feeling)
    return tuple(round(mean(buckets[w]), 2) if w in buckets else None for w in weeks)
