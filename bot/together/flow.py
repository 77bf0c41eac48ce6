"""Answer together: reveal both answers once both partners have answered.

Each answer is stored privately by the core (a `SaveReflection` with
`together=True`). Here we decide what each partner sees: a "waiting" note and
one gentle reminder to the partner, or — once both answered — both answers
side by side for both. The couple-question row is locked while deciding, so
two partners answering at the same moment still produce exactly one reveal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, func, select

from bot import waiting
from bot.conversations import back_to_dialog
from bot.engine.events import Resume
from bot.engine.outputs import Effect, KeyButton, SaveReflection
from bot.engine.payloads import Payload
from bot.engine.step import acknowledgement
from bot.plugins import Feature, FeatureContext
from bot.storage import repo
from bot.storage.models import Reflection, User, WaitingInput
from bot.together.models import CoupleQuestion
from bot.turn import Turn

FEATURE = "together"
ANSWER_WITHIN = timedelta(hours=12)
"""How long a couple question opened from a reminder waits for its typed answer."""


@dataclass(frozen=True)
class Reminded:
    """A reminder's question: the couple it was sent for, and the dialog node."""

    couple: int
    dialog: str
    node: str


@dataclass(frozen=True)
class AnswerNow(Reminded, Payload, prefix="q"):
    """From the reminder: answer the couple question now."""


@dataclass(frozen=True)
class Skip(Reminded, Payload, prefix="k"):
    """From the reminder: not this one."""


def feature(context: FeatureContext) -> Feature:
    return Feature(
        FEATURE,
        buttons={AnswerNow: answer_now, Skip: skip},
        typed=typed,
        effect_listeners=(on_effect,),
        link_listeners=(carry_over,),
        link_settled=(release_held,),
    )


async def on_effect(turn: Turn, effect: Effect) -> None:
    if isinstance(effect, SaveReflection) and effect.together:
        await answered(turn, effect)


async def answered(turn: Turn, effect: SaveReflection) -> None:
    partner = turn.partner
    if partner is None or turn.user.couple_id is None:
        if await _first_answer_alone(turn):
            turn.say_key("together_no_partner")
        return
    row = await _locked_question(turn, turn.user.couple_id, effect.dialog, effect.node)
    theirs = await _answer_of(turn, partner, effect.dialog, effect.node)
    if theirs is not None and not (turn.user.quiet or partner.quiet):  # quiet mode: bot.safety
        await _reveal(turn, partner, effect, theirs.text)
        row.revealed_at = turn.now
    else:
        turn.say_key("together_waiting", name=partner.name)
        if row.reminded_at is None and partner.active and row.skipped_by != partner.id:
            title = turn.content.title(effect.dialog, partner.lang)
            ids = (turn.user.couple_id, effect.dialog, effect.node)
            keyboard = (
                (
                    KeyButton(
                        turn.content.t("together_answer_now", partner.lang),
                        AnswerNow(*ids).pack(),
                    ),
                ),
                (
                    KeyButton(
                        turn.content.t("together_skip", partner.lang),
                        Skip(*ids).pack(),
                    ),
                ),
            )
            turn.to_partner(
                "together_reminder",
                keyboard,
                about={"dialog": effect.dialog},  # undelivered: its sender is told which
                name=turn.user.name,
                title=title,
            )
            row.reminded_at, row.reminded_user_id = turn.now, partner.id
    turn.session.add(row)


async def carry_over(turn: Turn) -> None:
    """Two people just linked: couple questions either answered alone come with them.

    Each one's answers written while unlinked now belong to this couple, so they
    are not asked for again, stay private until the other answers too, and are
    then revealed as any couple answer. Answers written in an earlier couple
    keep that couple's id and never reach this partner.

    Questions both had already answered are not revealed in this turn: the same
    turn asks each of them, alone, whether they feel safe with the other
    (`bot.safety.link_question`), and an answer of "no" must come before
    anything of theirs reaches the other. They are held (`held_at`) and
    revealed by `release_held` once both have answered that question and
    neither turned quiet mode on; while either is in quiet mode now, nothing
    is even held (quiet mode keeps them private for good, as it does today).
    """
    partner, couple = turn.partner, turn.user.couple_id
    if partner is None or couple is None:
        return
    await turn.session.exec(
        update(Reflection)
        .where(
            col(Reflection.user_id).in_((turn.user.id, partner.id)),
            col(Reflection.together).is_(True),
            col(Reflection.couple_id).is_(None),
        )
        .values(couple_id=couple)
    )
    if turn.user.quiet or partner.quiet:  # quiet mode: bot.safety.quiet
        return
    mine = await _carried(turn, turn.user, couple)
    theirs = await _carried(turn, partner, couple)
    for dialog, node in mine:
        if (dialog, node) not in theirs or not _is_together_question(turn, dialog, node):
            continue
        row = await _locked_question(turn, couple, dialog, node)
        if row.revealed_at is None and row.held_at is None:
            row.held_at = turn.now
            turn.session.add(row)


async def release_held(turn: Turn) -> None:
    """Both partners answered the link's safety question without a worry: the answers
    carried over into the couple (`carry_over`) are revealed now, each once."""
    partner, couple = turn.partner, turn.user.couple_id
    if partner is None or couple is None or turn.user.quiet or partner.quiet:
        return
    query = (
        select(CoupleQuestion)
        .where(
            CoupleQuestion.couple_id == couple,
            col(CoupleQuestion.held_at).is_not(None),
            col(CoupleQuestion.revealed_at).is_(None),
        )
        .order_by(col(CoupleQuestion.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for row in await turn.session.exec(query):
        mine = await _answer_of(turn, turn.user, row.dialog, row.node)
        theirs = await _answer_of(turn, partner, row.dialog, row.node)
        if mine is None or theirs is None or not _is_together_question(turn, row.dialog, row.node):
            continue
        effect = SaveReflection(row.dialog, row.node, mine.key, mine.text, True, turn.now)
        await _reveal(turn, partner, effect, theirs.text)
        row.revealed_at = turn.now
        turn.session.add(row)


async def _carried(turn: Turn, user: User, couple: int) -> dict[tuple[str, str], Reflection]:
    """`user`'s newest couple answer per question in `couple`."""
    query = (
        select(Reflection)
        .where(
            Reflection.user_id == user.id,
            Reflection.couple_id == couple,
            col(Reflection.together).is_(True),
        )
        .order_by(col(Reflection.id))
    )
    return {(r.dialog, r.node): r for r in await turn.session.exec(query)}


async def _reveal(turn: Turn, partner: User, effect: SaveReflection, theirs: str) -> None:
    """Both answers to both partners, each in their own language."""
    question = _question_text(turn, effect.dialog, effect.node, turn.lang)
    turn.say_key(
        "together_reveal", question=question, mine=effect.text, name=partner.name, theirs=theirs
    )
    turn.to_partner(
        "together_reveal",
        about={"dialog": effect.dialog},
        question=_question_text(turn, effect.dialog, effect.node, partner.lang),
        mine=theirs,
        name=turn.user.name,
        theirs=effect.text,
    )


async def _first_answer_alone(turn: Turn) -> bool:
    """Whether this is the first couple question answered while unlinked: the note
    about linking is said once, not after every such question."""
    query = (
        select(func.count())
        .select_from(Reflection)
        .where(
            Reflection.user_id == turn.user.id,
            col(Reflection.together).is_(True),
            col(Reflection.couple_id).is_(None),
        )
    )
    return (await turn.session.exec(query)).one() <= 1


def _question_text(turn: Turn, dialog: str, node: str, lang: str) -> str:
    """The question's short form when the author wrote one, else its full text."""
    step = turn.content.dialogs[dialog].nodes[node]
    text = (step.ask.summary if step.ask and step.ask.summary else None) or step.text or {}
    return text[turn.content.lang(lang)]


async def _answer_of(turn: Turn, user: User, dialog: str, node: str) -> Reflection | None:
    query = (
        select(Reflection)
        .where(
            Reflection.user_id == user.id,
            Reflection.couple_id == user.couple_id,
            Reflection.dialog == dialog,
            Reflection.node == node,
            col(Reflection.together).is_(True),
        )
        .order_by(col(Reflection.id).desc())
    )
    return (await turn.session.exec(query)).first()


async def _locked_question(turn: Turn, couple_id: int, dialog: str, node: str) -> CoupleQuestion:
    """Create the row if needed, then lock it until this turn commits."""
    session = turn.session
    await session.exec(
        repo.upsert(session, CoupleQuestion)
        .values(couple_id=couple_id, dialog=dialog, node=node)
        .on_conflict_do_nothing()
    )
    query = (
        select(CoupleQuestion)
        .where(
            CoupleQuestion.couple_id == couple_id,
            CoupleQuestion.dialog == dialog,
            CoupleQuestion.node == node,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).one()


async def answer_now(turn: Turn, pressed: AnswerNow) -> None:
    """From the reminder: exactly that couple question, on the side.

    Not the conversation it belongs to: the person is asked only this question
    (with the topic's name for context), their answer is kept and revealed as any
    couple answer, and then they are back where they were. Nothing else of the
    topic runs, and it is not marked done.
    """
    question = _reminded_question(turn, pressed)
    if question is None:
        return
    dialog, node = question
    if await _answer_of(turn, turn.user, dialog, node) is not None:
        turn.notice("together_already_answered")
        return
    state, _ = await turn.store.load_state(turn.user.id)
    if (state.dialog, state.node, state.awaiting_share) == (dialog, node, False):
        # They are at this very question in the conversation: it answers it there.
        await turn.advance(
            lambda t: Resume(at=t.now, lang=t.lang, has_partner=t.partner is not None)
        )
        return
    step = turn.content.dialogs[dialog].nodes[node]
    turn.say_key(
        "together_opened",
        title=turn.content.title(dialog, turn.lang),
        question=(step.text or {})[turn.lang],
    )
    await waiting.ask(
        turn, FEATURE, f"{dialog}:{node}", ref=pressed.couple, expires_in=ANSWER_WITHIN
    )


async def typed(turn: Turn, text: str, question: WaitingInput) -> bool:
    """The answer to a couple question opened from a reminder (see `answer_now`)."""
    await waiting.done(turn, FEATURE)
    dialog, _, node = question.key.partition(":")
    couple = turn.user.couple_id
    if (
        not _is_together_question(turn, dialog, node)
        or couple is None
        or str(couple) != question.ref
    ):
        return False  # the link changed meanwhile: the words go on as usual
    text = text.strip()
    if not text:
        return False
    step = turn.content.dialogs[dialog].nodes[node]
    assert step.ask is not None
    mark = len(turn.out)
    heard = acknowledgement(turn.content, step, text, turn.lang)
    if heard is not None:
        turn.say(heard)
    effect = SaveReflection(dialog, node, step.ask.key, text, True, turn.now)
    await turn.store.add_reflection(
        Reflection(
            user_id=turn.user.id,
            couple_id=couple,
            dialog=dialog,
            node=node,
            key=step.ask.key,
            text=text,
            together=True,
            created_at=turn.now,
        )
    )
    await answered(turn, effect)
    await back_to_dialog(turn)
    turn.fold_from(mark)
    return True


async def skip(turn: Turn, pressed: Skip) -> None:
    question = _reminded_question(turn, pressed)
    if question is None or turn.user.couple_id is None:
        return
    row = await _locked_question(turn, turn.user.couple_id, *question)
    row.skipped_by = turn.user.id
    turn.session.add(row)
    turn.say(turn.t("together_skipped"), replace=True)


def _reminded_question(turn: Turn, pressed: Reminded) -> tuple[str, str] | None:
    """(dialog, node) of a reminder meant for this person's current couple, else a notice.

    Reminders carry the couple they were sent for, so a button from an earlier
    link can never act on a later one.
    """
    if not _is_together_question(turn, pressed.dialog, pressed.node):
        turn.notice("unknown_button")
        return None
    if pressed.couple != turn.user.couple_id:
        turn.notice("stale_button")
        return None
    return pressed.dialog, pressed.node


def _is_together_question(turn: Turn, dialog: str, node: str) -> bool:
    found = turn.content.dialogs.get(dialog)
    target = found.nodes.get(node) if found else None
    return target is not None and target.ask is not None and target.ask.together
