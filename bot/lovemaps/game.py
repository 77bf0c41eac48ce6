"""The love-maps game: open a round, take each partner's answer and guess, reveal once.

A couple has at most one open round. Whoever starts picks a depth; the
question is the couple's next one at that depth (no repeats until that depth
is used up). Each partner answers about themselves, then guesses the other's
answer — by tapping a choice, or in a few words. The partner is told once
that it is their turn. When the second partner finishes, the round row is
locked and both see both answers and guesses in one message each, so two
partners finishing at the same moment still produce exactly one reveal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot import waiting
from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.library.catalog import Library
from bot.library.entries import DEPTHS, Entry
from bot.library.rotation import pick
from bot.lovemaps import reveal
from bot.lovemaps.models import GUESS, OWN, LoveMapAnswer, LoveMapRound
from bot.nudges.context import reachable
from bot.storage.models import User, WaitingInput
from bot.turn import Outbound, Turn


@dataclass(frozen=True)
class Depth(Payload, prefix="lm|d"):
    """A new round at this depth."""

    depth: int


@dataclass(frozen=True)
class Play(Payload, prefix="lm|p"):
    """The partner's invitation into a round."""

    round: int


@dataclass(frozen=True)
class AnswerOwn(Payload, prefix="lm|o"):
    """One's own answer, a choice by its index."""

    round: int
    choice: int


@dataclass(frozen=True)
class AnswerGuess(Payload, prefix="lm|g"):
    """The guess of the partner's answer, a choice by its index."""

    round: int
    choice: int


@dataclass(frozen=True)
class Again(Payload, prefix="lm|n"):
    """Another round."""


OPEN_FOR = timedelta(days=14)
"""A round one partner never played quietly closes after two weeks."""
TYPE_WINDOW = timedelta(hours=2)
FEATURE = "lovemaps"
"""A typed answer is expected this long after we asked (unless the person moved on)."""
MAX_ANSWER_CHARS = 200


class LoveMaps:
    def __init__(self, library: Library) -> None:
        self.library = library

    # -- entry points -----------------------------------------------------------

    async def start(self, turn: Turn) -> None:
        """/lovemaps: continue the open round, or offer a new one."""
        if not self._can_play(turn):
            return
        assert turn.user.couple_id is not None
        found = await _open_round(turn, turn.user.couple_id)
        if found is not None:
            await self._continue(turn, found, await self._answer(turn, found))
            return
        self._offer_depths(turn, "lovemaps_pick_depth")

    async def again(self, turn: Turn, pressed: Again) -> None:
        await self.start(turn)

    async def depth(self, turn: Turn, pressed: Depth) -> None:
        await self._new_round(turn, pressed.depth)

    async def play(self, turn: Turn, pressed: Play) -> None:
        await self._play(turn, pressed.round)

    async def choose(self, turn: Turn, pressed: AnswerOwn | AnswerGuess) -> None:
        part = OWN if isinstance(pressed, AnswerOwn) else GUESS
        await self._choose(turn, part, pressed.round, pressed.choice)

    async def typed(self, turn: Turn, text: str, question: WaitingInput) -> bool:
        """Free text while we wait for a typed answer or guess; False leaves it to others."""
        answer = await self._waiting_answer(turn, question)
        if answer is None:
            return False
        text = text.strip()[:MAX_ANSWER_CHARS]
        if not text:
            return False
        found = await turn.session.get(LoveMapRound, answer.round_id)
        if found is None or found.revealed_at is not None:
            await waiting.done(turn, FEATURE)
            return False
        await self._record(turn, found, answer, question.key, text)
        return True

    # -- rounds -------------------------------------------------------------------

    def _can_play(self, turn: Turn) -> bool:
        if turn.partner is None or turn.user.couple_id is None:
            turn.say_key("lovemaps_needs_partner")
            return False
        if not turn.partner.active:
            turn.say_key("lovemaps_partner_away", partner=turn.partner.name)
            return False
        return True

    def _offer_depths(self, turn: Turn, key: str) -> None:
        partner = turn.partner.name if turn.partner else ""
        rows = tuple((KeyButton(turn.t(f"lovemaps_depth_{d}"), Depth(d).pack()),) for d in DEPTHS)
        turn.say(turn.t(key, partner=partner), rows)

    async def _new_round(self, turn: Turn, depth: int) -> None:
        if depth not in DEPTHS:
            turn.notice("unknown_button")
            return
        if not self._can_play(turn):
            return
        assert turn.user.couple_id is not None
        found = await _open_round(turn, turn.user.couple_id)
        if found is None:
            found = await self._create(turn, turn.user.couple_id, depth)
        await self._continue(turn, found, await self._answer(turn, found))

    async def _create(self, turn: Turn, couple_id: int, depth: int) -> LoveMapRound:
        """The couple's next round; if the partner opened one at the same moment, theirs."""
        session = turn.session
        questions = self.library.lovemaps_at(depth)
        for _ in range(3):
            played = await session.exec(
                select(func.count(), func.coalesce(func.max(LoveMapRound.seq), 0))
                .select_from(LoveMapRound)
                .where(LoveMapRound.couple_id == couple_id)
            )
            _, last_seq = played.one()
            at_depth = (
                await session.exec(
                    select(func.count())
                    .select_from(LoveMapRound)
                    .where(LoveMapRound.couple_id == couple_id, LoveMapRound.depth == depth)
                )
            ).one()
            question = pick(questions, f"couple:{couple_id}", f"lovemaps{depth}", at_depth)
            row = LoveMapRound(
                couple_id=couple_id,
                seq=last_seq + 1,
                depth=depth,
                question=question.id,
                started_by=turn.user.id,
                created_at=turn.now,
            )
            try:
                async with session.begin_nested():
                    session.add(row)
                    await session.flush()
                return row
            except IntegrityError:
                found = await _open_round(turn, couple_id)
                if found is not None:
                    return found
        raise RuntimeError("could not open a love-maps round")  # pragma: no cover

    async def _play(self, turn: Turn, round_id: int) -> None:
        """From the "your turn" message: the round, if it is still this couple's and open."""
        found = await turn.session.get(LoveMapRound, round_id)
        if found is None or found.couple_id != turn.user.couple_id:
            turn.notice("stale_button")
            return
        if not self._can_play(turn):
            return
        if found.revealed_at is not None:
            turn.notice("lovemaps_already_revealed")
            return
        await self._continue(turn, found, await self._answer(turn, found))

    async def _answer(self, turn: Turn, found: LoveMapRound) -> LoveMapAnswer:
        assert found.id is not None
        query = select(LoveMapAnswer).where(
            LoveMapAnswer.round_id == found.id, LoveMapAnswer.user_id == turn.user.id
        )
        answer = (await turn.session.exec(query)).first()
        if answer is None:
            answer = LoveMapAnswer(round_id=found.id, user_id=turn.user.id, asked_at=turn.now)
        return answer

    # -- asking and answering -------------------------------------------------------

    async def _continue(self, turn: Turn, found: LoveMapRound, answer: LoveMapAnswer) -> None:
        question = self.library.lovemap(found.question)
        if question is None:  # the question was removed from the library
            turn.notice("lovemaps_already_revealed")
            return
        if answer.own is None:
            await self._ask(turn, found, answer, question, OWN)
        elif answer.guess is None:
            await self._ask(turn, found, answer, question, GUESS)
        else:
            partner = turn.partner.name if turn.partner else ""
            turn.say_key("lovemaps_waiting", partner=partner)

    async def _ask(
        self, turn: Turn, found: LoveMapRound, answer: LoveMapAnswer, question: Entry, part: str
    ) -> None:
        partner = turn.partner.name if turn.partner else ""
        text = turn.t(f"lovemaps_ask_{part}", question=question.text[turn.lang], partner=partner)
        keyboard: Keyboard = ()
        if question.choices:
            choice = AnswerOwn if part == OWN else AnswerGuess
            labels = question.choices[turn.lang]
            buttons = [
                KeyButton(label, choice(found.id, i).pack()) for i, label in enumerate(labels)
            ]
            keyboard = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
        answer.asked_at = turn.now
        turn.session.add(answer)
        if question.choices:
            await waiting.done(turn, FEATURE)
        else:
            text += "\n\n" + turn.t("lovemaps_type_hint")
            await turn.session.flush()  # a new answer row needs its id for the question
            await waiting.ask(turn, FEATURE, part, ref=answer.id, expires_in=TYPE_WINDOW)
        turn.say(text, keyboard)

    async def _choose(self, turn: Turn, part: str, round_id: int, index: int) -> None:
        found = await turn.session.get(LoveMapRound, round_id)
        question = self.library.lovemap(found.question) if found else None
        if found is None or question is None or found.couple_id != turn.user.couple_id:
            turn.notice("stale_button")
            return
        if not question.choices or index >= len(question.choices[turn.lang]):
            turn.notice("unknown_button")
            return
        if found.revealed_at is not None:
            turn.notice("lovemaps_already_revealed")
            return
        answer = await self._answer(turn, found)
        if getattr(answer, part) is not None:
            turn.notice("lovemaps_already_answered")
            return
        if part == GUESS and answer.own is None:
            turn.notice("stale_button")
            return
        asked = turn.t(
            f"lovemaps_ask_{part}",
            question=question.text[turn.lang],
            partner=turn.partner.name if turn.partner else "",
        )
        label = question.choices[turn.lang][index]
        turn.say(turn.t("lovemaps_chosen", text=asked, choice=label), replace=True)
        await self._record(turn, found, answer, part, str(index))

    async def _record(
        self, turn: Turn, found: LoveMapRound, answer: LoveMapAnswer, part: str, value: str
    ) -> None:
        setattr(answer, part, value)
        await waiting.done(turn, FEATURE)
        if answer.complete:
            answer.answered_at = turn.now
        turn.session.add(answer)
        await turn.session.flush()
        if not answer.complete:
            await self._continue(turn, found, answer)
            return
        await self._finish(turn, found, answer)

    async def _finish(self, turn: Turn, found: LoveMapRound, mine: LoveMapAnswer) -> None:
        """Lock the round; reveal if the partner has played, else tell them it's their turn."""
        assert found.id is not None
        locked = await _locked(turn, found.id)
        partner = turn.partner
        question = self.library.lovemap(locked.question)
        if partner is None or question is None:
            return
        query = select(LoveMapAnswer).where(
            LoveMapAnswer.round_id == locked.id, LoveMapAnswer.user_id == partner.id
        )
        theirs = (await turn.session.exec(query.execution_options(populate_existing=True))).first()
        hushed = turn.user.quiet or partner.quiet  # quiet mode: bot.safety.quiet
        if locked.revealed_at is None and theirs is not None and theirs.complete and not hushed:
            self._reveal(turn, partner, question, mine, theirs)
            locked.revealed_at = turn.now
        else:
            turn.say_key("lovemaps_waiting", partner=partner.name)
            if locked.invited_at is None and (theirs is None or theirs.own is None):
                if reachable(partner, turn.now):
                    play = KeyButton(
                        turn.content.t("lovemaps_play", partner.lang), Play(locked.id).pack()
                    )
                    turn.to_partner("lovemaps_your_turn", ((play,),), name=turn.user.name)
                locked.invited_at = turn.now
        turn.session.add(locked)

    def _reveal(
        self,
        turn: Turn,
        partner: User,
        question: Entry,
        mine: LoveMapAnswer,
        theirs: LoveMapAnswer,
    ) -> None:
        """Both answers, to each; the partner's copy names this person as its sender, who
        is told if it does not arrive (`Outbox.tell_sender`)."""
        again = Again().pack()

        def shown(
            viewer: User, me: LoveMapAnswer, other: LoveMapAnswer, name: str
        ) -> tuple[str, Keyboard]:
            lang = turn.content.lang(viewer.lang)
            text = reveal.text(turn.content, lang, question, me, other, name)
            return text, ((KeyButton(turn.content.t("lovemaps_another", lang), again),),)

        text, keyboard = shown(turn.user, mine, theirs, partner.name)
        turn.out.append(Outbound(turn.user.chat_id, turn.user.id, text, keyboard))
        text, keyboard = shown(partner, theirs, mine, turn.user.name)
        turn.composed_to_partner("lovemaps_reveal", text, keyboard)

    # -- typed answers ----------------------------------------------------------------

    async def _waiting_answer(self, turn: Turn, question: WaitingInput) -> LoveMapAnswer | None:
        """The answer row the open question is about (the question's rule is `bot.waiting`'s)."""
        if question.key not in (OWN, GUESS) or not (question.ref or "").isdigit():
            return None
        answer = await turn.session.get(LoveMapAnswer, int(question.ref or 0))
        return answer if answer is not None and answer.user_id == turn.user.id else None


async def _open_round(turn: Turn, couple_id: int) -> LoveMapRound | None:
    query = (
        select(LoveMapRound)
        .where(
            LoveMapRound.couple_id == couple_id,
            col(LoveMapRound.revealed_at).is_(None),
            LoveMapRound.created_at > turn.now - OPEN_FOR,
        )
        .order_by(col(LoveMapRound.seq).desc())
    )
    return (await turn.session.exec(query)).first()


async def _locked(turn: Turn, round_id: int) -> LoveMapRound:
    """The round row, locked until this turn commits: exactly one reveal."""
    query = (
        select(LoveMapRound)
        .where(LoveMapRound.id == round_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await turn.session.exec(query)).one()
