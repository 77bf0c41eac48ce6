"""Private notes for a Talk Table, typed in each partner's own chat with Attune.

A note prepared before speaking stays with its author. "One thing I understood
today" is kept until both partners have written theirs; the second one locks
the table row and reveals both in the group in one message, so two partners
writing at the same moment still produce exactly one reveal.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import waiting
from bot.storage.models import WaitingInput
from bot.table import floor as f
from bot.table import store
from bot.table.ending import end_quietly
from bot.table.models import PREP, UNDERSTOOD, TalkNote, TalkTable
from bot.turn import Outbound, Turn

FEATURE = store.FEATURE
"""The feature's name: questions it asks with `bot.waiting` come back to `typed`."""
MAX_NOTE_CHARS = 600
WINDOW = {PREP: timedelta(hours=2), UNDERSTOOD: timedelta(hours=24)}
"""How long a note asked for is waited for; later text is not taken as it."""


async def ask(turn: Turn, note: TalkNote) -> None:
    """Wait for the note's author's next typed message (`bot.waiting`: one rule for
    when a question lapses, so words meant for a conversation never become a note)."""
    await waiting.ask(
        turn, FEATURE, note.kind, ref=note.id, expires_in=WINDOW[note.kind], user_id=note.user_id
    )


async def typed(turn: Turn, text: str, question: WaitingInput) -> bool:
    """The note asked of this person, typed in their private chat; False passes it on."""
    ref = question.ref or ""
    note = await turn.session.get(TalkNote, int(ref)) if ref.isdigit() else None
    text = text.strip()[:MAX_NOTE_CHARS]
    if note is None or note.user_id != turn.user.id or note.text is not None or not text:
        await waiting.done(turn, FEATURE)
        return False
    await waiting.done(turn, FEATURE)
    row = await _locked(turn, note.table_id)
    if row is None or row.talk != note.talk or row.phase not in f.LIVE | {f.CLOSING}:
        await turn.session.delete(note)  # the talk is over: this text is not its note
        return False
    note.text, note.written_at = text, turn.now
    turn.session.add(note)
    await turn.session.flush()
    if note.kind == PREP:
        turn.say_key("table_prep_kept")
        return True
    await _reveal_if_both(turn, row)
    return True


async def _reveal_if_both(turn: Turn, row: TalkTable) -> None:
    partner = turn.partner
    if turn.user.quiet or (partner is not None and partner.quiet):
        # quiet mode (bot.safety.quiet): nothing of theirs is shown; the table just closes
        await end_quietly(turn)
        return
    theirs = await store.note(turn.session, row, partner.id, UNDERSTOOD) if partner else None
    if partner is None or theirs is None or theirs.text is None or row.phase != f.CLOSING:
        turn.say_key("table_understood_waiting", partner=partner.name if partner else "")
        return
    mine = await store.note(turn.session, row, turn.user.id, UNDERSTOOD)
    assert mine is not None and mine.text is not None
    ended = f.move(store.floor_of(row), f.CLOSED, turn.user.id, partner.id, turn.now)
    if isinstance(ended, f.Refused) or not await store.commit(turn.session, row, ended, turn.now):
        turn.say_key("table_understood_shown")
        return
    opener_first = sorted(
        [(turn.user, mine.text), (partner, theirs.text)], key=lambda p: p[0].id != row.opened_by
    )
    (a, a_text), (b, b_text) = opener_first
    text = turn.content.t(
        "table_reveal", row.lang, a=a.name, a_text=a_text, b=b.name, b_text=b_text
    )
    turn.out.append(Outbound(row.chat_id, row.chat_id, text))
    turn.say_key("table_understood_shown")
    text = turn.content.t("table_understood_shown", partner.lang)
    thanked = Outbound(  # at the table now: urgent
        partner.chat_id,
        partner.id,
        text,
        urgent=True,
        kind="table_understood_shown",
        sender_id=turn.user.id,
    )
    turn.out.append(thanked)
    await store.forget_waiting(turn.session, row.id or 0)


async def _locked(turn: Turn, table_id: int) -> TalkTable | None:
    """The table row, locked until this turn commits (PostgreSQL): one reveal only."""
    query = (
        select(TalkTable)
        .where(TalkTable.id == table_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await turn.session.exec(query)).first()
