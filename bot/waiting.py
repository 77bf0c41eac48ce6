"""Waiting for typed input: one record, one rule, for every feature.

A feature that asks a question to be answered by typing (a name, a country,
a time, a love-maps guess, what happened before a break) calls `ask`; the
coach then offers the next typed message to that feature's `typed` handler,
once the safety screen has read it. The one rule for "has the person moved
on?" lives here: the question lapses when its time is up, when the person
has since gone on in a guided conversation, or when another question was
asked after it. A lapsed question is forgotten and the text goes to the
dialogs, so an answer meant for a conversation is never swallowed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists

from bot.plugins import PERSON_ID
from bot.storage.models import DialogSession, WaitingInput
from bot.turn import Turn

PENDING = exists().where(WaitingInput.__table__.c.user_id == PERSON_ID)  # type: ignore[attr-defined]
"""True while the person has an open question (one query, also on the fast path)."""


async def ask(
    turn: Turn,
    feature: str,
    key: str,
    *,
    ref: object = None,
    expires_in: timedelta,
    user_id: int | None = None,
) -> None:
    """Wait for `turn.user`'s next typed message on behalf of `feature`, replacing any question.

    `user_id` asks someone else instead: the partner, when one turn asks both
    (the Talk Table asks each for a private note at once).
    """
    user_id = turn.user.id if user_id is None else user_id
    row = await turn.session.get(WaitingInput, user_id)
    if row is None:
        row = WaitingInput(user_id=user_id, feature=feature, key=key, expires_at=turn.now)
    row.feature, row.key, row.ref = feature, key, None if ref is None else str(ref)
    row.asked_at, row.expires_at = turn.now, turn.now + expires_in
    turn.session.add(row)
    await turn.session.flush()


async def current(turn: Turn, feature: str | None = None) -> WaitingInput | None:
    """The open question (of `feature`, if given), forgetting it if it has lapsed."""
    row = await turn.session.get(WaitingInput, turn.user.id, populate_existing=True)
    if row is None:
        return None
    if await _lapsed(turn, row):
        await done(turn)
        return None
    return row if feature is None or row.feature == feature else None


async def done(turn: Turn, feature: str | None = None) -> None:
    """The question is answered (or withdrawn); `feature` limits it to that feature's own."""
    row = await turn.session.get(WaitingInput, turn.user.id)
    if row is not None and (feature is None or row.feature == feature):
        await turn.session.delete(row)
        await turn.session.flush()


async def _lapsed(turn: Turn, row: WaitingInput) -> bool:
    if turn.now >= row.expires_at:
        return True
    dialog = await turn.session.get(DialogSession, turn.user.id)
    return dialog is not None and dialog.updated_at > row.asked_at
