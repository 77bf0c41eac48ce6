"""The personal path, as people meet it: /check, suggestions in /topics, comparing, /progress.

The check is one message edited in place: each tap records an answer and
shows the next statement, so twelve answers cost twelve edits and no new
messages. When it is done, the person sees where we would start and why; a
check taken again after four weeks also brings a picture of the change.
Everything here reads only the acting person's own answers, except the
comparison, which needs both partners to have chosen it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from bot.engine import callbacks
from bot.engine.outputs import Action, Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.followups import results
from bot.library.entries import Entry
from bot.nudges.context import reachable
from bot.nudges.models import NudgeDelivery
from bot.nudges.schedule import zone
from bot.path import chart, compare
from bot.path.models import PathAnswer, PathCheck, PathProfile
from bot.path.suggest import FOCUS, MOODS, Signals, Suggestion, suggest
from bot.plugins import TopicsPart
from bot.storage import repo
from bot.storage.models import Couple, DialogSession
from bot.turn import Outbound, Photo, Turn


@dataclass(frozen=True)
class AnswerCheck(Payload, prefix="pa|a"):
    """One statement of the check answered on the scale."""

    check: int
    index: int
    value: int


@dataclass(frozen=True)
class StartCheck(Payload, prefix="pa|s"):
    """Take (or finish, or retake) the check."""


@dataclass(frozen=True)
class Compare(Payload, prefix="pa|c"):
    """Compare this check with the partner's."""

    check: int


@dataclass(frozen=True)
class NotNow(Payload, prefix="pa|x"):
    """The partner's "not now" to comparing."""


RETAKE_AFTER = timedelta(days=28)
AWAY_FOR = timedelta(days=14)
"""Someone quiet for two weeks is welcomed back (never reminded of what they missed)."""
SCALE = (1, 2, 3, 4)


class Path:
    def __init__(self, questions: Sequence[Entry], default_tz: str) -> None:
        self.questions = tuple(questions)
        self.order = tuple(q.id for q in self.questions)
        self.sections = {q.id: q.section or q.id for q in self.questions}
        self.default_tz = default_tz

    # -- the check ---------------------------------------------------------------

    async def check(self, turn: Turn, *, join: bool = False) -> None:
        """/check: finish an open check, take a new one, or say when it is ready again."""
        latest = await self._latest(turn)
        if latest is not None and latest.finished_at is None:
            await self._ask(turn, latest, replace=False, join=join)
            return
        if latest is not None and latest.finished_at is not None:
            ready = latest.finished_at + RETAKE_AFTER
            if turn.now < ready:
                turn.say_key(
                    "path_check_too_soon",
                    date=self._date(turn, latest.finished_at),
                    next=self._date(turn, ready),
                )
                return
        number = latest.number + 1 if latest is not None else 1
        started = PathCheck(
            user_id=turn.user.id,
            number=number,
            started_at=turn.now,
            couple_id=turn.user.couple_id,
        )
        turn.session.add(started)
        await turn.session.flush()
        await self._ask(turn, started, replace=False, join=join)

    async def _answers(self, turn: Turn, check: PathCheck) -> dict[str, int]:
        rows = await turn.session.exec(select(PathAnswer).where(PathAnswer.check_id == check.id))
        return {row.question: row.value for row in rows}

    async def _ask(
        self, turn: Turn, check: PathCheck, *, replace: bool, join: bool = False
    ) -> None:
        answered = await self._answers(turn, check)
        index = next((i for i, q in enumerate(self.order) if q not in answered), None)
        if index is None:
            await self._finish(turn, check, answered)
            return
        question = self.questions[index]
        partner = turn.partner.name if turn.partner else turn.t("path_your_partner")
        intro = turn.t("path_check_intro", total=len(self.order)) + "\n\n" if index == 0 else ""
        text = turn.t(
            "path_check_question",
            intro=intro,
            number=index + 1,
            total=len(self.order),
            statement=_capitalised(question.text[turn.lang].format(partner=partner)),
        )
        assert check.id is not None
        buttons = [
            KeyButton(turn.t(f"path_scale_{v}"), AnswerCheck(check.id, index, v).pack())
            for v in SCALE
        ]
        keyboard = (tuple(buttons[:2]), tuple(buttons[2:]))
        if join:
            turn.add_to_last(text, keyboard)  # the welcome's last words lead straight in
        else:
            turn.say(text, keyboard, replace=replace)

    async def answer(self, turn: Turn, check_id: int, index: int, value: int) -> None:
        check = await turn.session.get(PathCheck, check_id)
        if (
            check is None
            or check.user_id != turn.user.id
            or not 0 <= index < len(self.order)
            or value not in SCALE
        ):
            turn.notice("unknown_button")
            return
        if check.finished_at is not None:
            turn.notice("path_check_stale")
            return
        question = self.order[index]
        row = await turn.session.get(PathAnswer, (check_id, question))
        if row is None:
            row = PathAnswer(check_id=check_id, question=question, value=value)
        row.value = value
        turn.session.add(row)
        await turn.session.flush()
        await self._ask(turn, check, replace=True)

    async def _finish(self, turn: Turn, check: PathCheck, answers: dict[str, int]) -> None:
        check.finished_at = turn.now
        turn.session.add(check)
        turn.say(turn.t("path_check_done", total=len(self.order)), replace=True)
        found = await self.suggestions(turn, answers=answers)
        lines = "\n".join(self._line(turn, s) for s in found)
        rows: list[tuple[KeyButton, ...]] = [self._suggestion_button(turn, s) for s in found]
        if turn.partner is not None and check.id is not None:
            label = turn.t("path_compare", partner=turn.partner.name)
            rows.append((KeyButton(label, Compare(check.id).pack()),))
        turn.say(turn.t("path_check_result", lines=lines), tuple(rows))
        if check.number > 1:
            await self._change_picture(turn, check, answers)

    async def _change_picture(self, turn: Turn, check: PathCheck, now: dict[str, int]) -> None:
        first = (
            await turn.session.exec(
                select(PathCheck).where(
                    PathCheck.user_id == turn.user.id,
                    PathCheck.number == 1,
                    col(PathCheck.finished_at).is_not(None),
                )
            )
        ).first()
        if first is None or first.finished_at is None:
            return
        before = await self._answers(turn, first)
        shared = [q for q in self.order if q in before and q in now]
        titles = [turn.content.title(self.sections[q], turn.lang) for q in shared]
        png = chart.render(
            chart.Change(
                title=turn.t(
                    "path_chart_title",
                    before=self._date(turn, first.finished_at),
                    now=self._date(turn, turn.now),
                ),
                labels=tuple(titles),
                before=tuple(before[q] for q in shared),
                now=tuple(now[q] for q in shared),
                before_label=self._date(turn, first.finished_at),
                now_label=self._date(turn, turn.now),
                scale_label=turn.t("path_chart_scale"),
            )
        )
        direction, moved = compare.biggest_change(before, now, shared)
        title = turn.content.title(self.sections[moved], turn.lang) if moved else ""
        caption = turn.t(f"path_change_{direction}", title=title)
        turn.out.append(Outbound(turn.user.chat_id, turn.user.id, attachment=Photo(png, caption)))

    # -- comparing ---------------------------------------------------------------

    async def compare(self, turn: Turn, check_id: int) -> None:
        """Both partners choose to compare; the second choice shows both, once."""
        mine = await turn.session.get(PathCheck, check_id)
        partner = turn.partner
        if mine is None or mine.user_id != turn.user.id or mine.finished_at is None:
            turn.notice("unknown_button")
            return
        if partner is None or turn.user.couple_id is None:
            turn.notice("stale_button")
            return
        if mine.couple_id != turn.user.couple_id:
            turn.say(turn.t("old_link_button"), replace=True)
            return
        await turn.session.exec(
            select(Couple.id).where(Couple.id == turn.user.couple_id).with_for_update()
        )
        await turn.session.refresh(mine)
        if mine.compare_at is None:
            mine.compare_at = turn.now
            turn.session.add(mine)
        theirs = await self._latest(turn, partner.id, finished=True)
        if theirs is not None and theirs.couple_id != turn.user.couple_id:
            theirs = None  # taken with someone before: never compared with this couple
        if theirs is None:
            turn.say(turn.t("path_compare_needs_check", partner=partner.name), replace=True)
            return
        await turn.session.refresh(theirs)
        if mine.compared_with == theirs.id and theirs.compared_with == mine.id:
            turn.notice("path_compare_done")
            return
        hushed = turn.user.quiet or partner.quiet  # quiet mode (bot.safety.quiet)
        if theirs.compare_at is None or hushed:
            turn.say(turn.t("path_compare_waiting", partner=partner.name), replace=True)
            if mine.asked_partner_at is None and reachable(partner, turn.now):
                assert theirs.id is not None
                keyboard = (
                    (
                        KeyButton(
                            turn.content.t("path_compare", partner.lang, partner=turn.user.name),
                            Compare(theirs.id).pack(),
                        ),
                        KeyButton(
                            turn.content.t("path_compare_not_now", partner.lang),
                            NotNow().pack(),
                        ),
                    ),
                )
                turn.to_partner("path_compare_asked", keyboard, name=turn.user.name)
                mine.asked_partner_at = turn.now
            return
        await self._show_comparison(turn, mine, theirs)

    async def _show_comparison(self, turn: Turn, mine: PathCheck, theirs: PathCheck) -> None:
        partner = turn.partner
        assert partner is not None
        alike, differ = compare.agree_differ(
            await self._answers(turn, mine), await self._answers(turn, theirs), self.order
        )
        turn.say(self._comparison(turn, turn.lang, partner.name, alike, differ), replace=True)
        lang = turn.content.lang(partner.lang)
        text = self._comparison(turn, lang, turn.user.name, alike, differ)
        turn.composed_to_partner("path_compare_result", text)
        mine.compared_with, theirs.compared_with = theirs.id, mine.id
        turn.session.add(mine)
        turn.session.add(theirs)

    def _comparison(
        self, turn: Turn, lang: str, partner: str, alike: list[str], differ: list[str]
    ) -> str:
        parts = ""
        for key, sections in (("path_compare_alike", alike), ("path_compare_differ", differ)):
            if sections:
                items = "\n".join(
                    turn.content.t(
                        "path_compare_item", lang, title=turn.content.title(self.sections[s], lang)
                    )
                    for s in sections
                )
                parts += turn.content.t(key, lang, items=items)
        return turn.content.t("path_compare_result", lang, partner=partner, parts=parts)

    async def not_now(self, turn: Turn) -> None:
        turn.say(turn.t("path_compare_not_now_done"), replace=True)

    # -- suggestions ---------------------------------------------------------------

    async def suggestions(
        self, turn: Turn, answers: dict[str, int] | None = None
    ) -> list[Suggestion]:
        """What to suggest first, from this person's own signals only."""
        if answers is None:
            latest = await self._latest(turn, finished=True)
            answers = await self._answers(turn, latest) if latest is not None else {}
        profile = await turn.session.get(PathProfile, turn.user.id)
        progress = await turn.store.progress(turn.user.id)
        topics = turn.content.topics
        signals = Signals(
            check={self.sections[q]: v for q, v in answers.items() if q in self.sections},
            focus=profile.focus if profile else None,
            mood=profile.mood if profile else None,
            started=frozenset(d for d, p in progress.items() if p.status == repo.IN_PROGRESS),
            done=frozenset(d for d, p in progress.items() if p.status == repo.DONE),
            exercises=await results.felt_by_section(turn.session, turn.user.id),
        )
        return suggest(topics, signals)

    def _line(self, turn: Turn, found: Suggestion) -> str:
        return turn.t(
            "path_suggestion_line",
            title=turn.content.title(found.topic, turn.lang),
            why=turn.t(found.reason),
        )

    def _suggestion_button(self, turn: Turn, found: Suggestion) -> tuple[KeyButton, ...]:
        label = turn.t("path_suggestion_button", title=turn.content.title(found.topic, turn.lang))
        return (KeyButton(label, callbacks.Topic(found.topic).pack()),)

    async def topics_intro(self, turn: Turn) -> TopicsPart:
        """/topics: suggestions (and why) above the list, the check below it."""
        found = await self.suggestions(turn)
        lines = [self._line(turn, s) for s in found]
        text = "\n".join([turn.t("path_suggested_title"), *lines]) if lines else ""
        above = tuple(self._suggestion_button(turn, s) for s in found)
        latest = await self._latest(turn)
        below: Keyboard = ()
        key = None
        if latest is None:
            key = "path_take_check"
        elif latest.finished_at is None:
            key = "path_finish_check"
        elif turn.now >= latest.finished_at + RETAKE_AFTER:
            key = "path_retake_check"
        if key is not None:
            below = ((KeyButton(turn.t(key), StartCheck().pack()),),)
        return TopicsPart(text, above, below)

    # -- what the welcome told us --------------------------------------------------------

    async def on_focus(self, turn: Turn, action: Action) -> None:
        focus = action.params.get("focus")
        if focus in FOCUS:
            profile = await self._profile(turn)
            profile.focus = focus
            turn.session.add(profile)

    async def on_mood(self, turn: Turn, action: Action) -> None:
        mood = action.params.get("mood")
        if mood in MOODS:
            profile = await self._profile(turn)
            profile.mood = mood
            turn.session.add(profile)

    async def on_start_check(self, turn: Turn, action: Action) -> None:
        await self.check(turn, join=True)

    async def on_suggest(self, turn: Turn, action: Action) -> None:
        found = await self.suggestions(turn)
        lines = "\n".join(self._line(turn, s) for s in found)
        rows = tuple(self._suggestion_button(turn, s) for s in found)
        everything = (KeyButton(turn.t("all_topics"), callbacks.TopicsMenu().pack()),)
        turn.add_to_last(turn.t("path_suggested_title") + "\n" + lines, (*rows, everything))

    async def _profile(self, turn: Turn) -> PathProfile:
        profile = await turn.session.get(PathProfile, turn.user.id)
        return profile if profile is not None else PathProfile(user_id=turn.user.id)

    # -- coming back, and what was done together ---------------------------------------------

    async def welcome_back(self, turn: Turn, last_seen: datetime | None) -> None:
        """After weeks away: a warm hello, no list of what was missed.

        Said on whatever the person does first when they come back (the coach runs
        this first in the turn, at most once an hour: `Feature.returned`), /start
        or a check-in answer included, and so once. Answering a check-in meanwhile
        is being here too: no "welcome back" the day after one.
        """
        profile = await self._profile(turn)
        dialog = await turn.session.get(DialogSession, turn.user.id)
        engaged = (
            await turn.session.exec(
                select(func.max(NudgeDelivery.engaged_at)).where(
                    NudgeDelivery.user_id == turn.user.id
                )
            )
        ).one()
        times = (last_seen, profile.seen_at, dialog.updated_at if dialog else None, engaged)
        seen = [t for t in times if t]
        if seen and turn.now - max(seen) >= AWAY_FOR:
            turn.say_key("path_welcome_back", name=turn.user.name)
        profile.seen_at = turn.now
        turn.session.add(profile)

    # -- helpers ----------------------------------------------------------------------------

    async def _latest(
        self, turn: Turn, user_id: int | None = None, *, finished: bool = False
    ) -> PathCheck | None:
        query = select(PathCheck).where(PathCheck.user_id == (user_id or turn.user.id))
        if finished:
            query = query.where(col(PathCheck.finished_at).is_not(None))
        return (await turn.session.exec(query.order_by(col(PathCheck.number).desc()))).first()

    def _date(self, turn: Turn, moment) -> str:  # type: ignore[no-untyped-def]
        local = moment.astimezone(zone(turn.user.timezone or self.default_tz))
        return local.strftime("%d.%m.%Y")


def _capitalised(statement: str) -> str:
    """A statement may begin with the partner's name or "my partner": start it with a capital."""
    return statement[:1].upper() + statement[1:]
