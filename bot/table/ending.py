"""Ending a table from outside the floor: a safety signal, or a partner who left.

A safety signal (called by `bot.safety.care` on every signal) ends the
couple's live table quietly: the group reads only a neutral close, never why;
the partner gets nothing privately; notes still asked of anyone stop waiting.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.table import floor as f
from bot.table import store
from bot.table.models import TalkTable
from bot.turn import Outbound, Turn

log = logging.getLogger(__name__)


async def end_quietly(turn: Turn) -> None:
    """Close every live table of this person's couple with a neutral line in the group."""
    if turn.user.couple_id is None:
        return
    for row in await store.live_for_couple(turn.session, turn.user.couple_id):
        if await _end(turn, row):
            text = turn.content.t("table_closed", row.lang)
            turn.out.append(Outbound(row.chat_id, row.chat_id, text))
            log.info("table %s ended quietly after a safety signal", row.id)


async def partner_left(turn: Turn, chat_id: int, leaver: int) -> None:
    """A partner left the group (or was removed): the talk stops, and the group is told."""
    row = await store.by_chat(turn.session, chat_id)
    if row is None or row.couple_id != turn.user.couple_id or row.phase in (f.ENDED, f.REFUSED):
        return
    talking = row.phase in f.LIVE | {f.CLOSING}
    if await _end(turn, row) and talking:
        name = (await store.names(turn.session, row)).get(leaver, "?")
        text = turn.content.t("table_left", row.lang, name=name)
        turn.out.append(Outbound(row.chat_id, row.chat_id, text))


async def bot_removed(session: AsyncSession, chat_id: int, now: datetime) -> None:
    """Removed from the group: nothing can be said there any more; the talk ends."""
    row = await store.by_chat(session, chat_id)
    if row is None or row.phase == f.ENDED:
        return
    ended = f.Floor(phase=f.ENDED, version=row.version + 1, rounds=row.rounds)
    if await store.commit(session, row, ended, now):
        await store.forget_waiting(session, row.id or 0)


async def _end(turn: Turn, row: TalkTable) -> bool:
    ended = f.Floor(phase=f.ENDED, version=row.version + 1, rounds=row.rounds)
    if not await store.commit(turn.session, row, ended, turn.now):
        return False
    await store.forget_waiting(turn.session, row.id or 0)
    return True
