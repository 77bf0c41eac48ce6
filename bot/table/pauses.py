"""Bringing a paused table back at the chosen time: a periodic job over the rows.

The return time is the row's `paused_until`, so a restart finds it where it
was. The job resumes each due table in its own turn with the same
compare-and-set as a press: however many sweeps or processes overlap, only
one of them moves the floor out of the pause and announces it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import col, select

from bot.table import floor as f
from bot.table import render as r
from bot.table import store
from bot.table.models import TalkTable
from bot.turn import Outbound, Turn

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
BATCH = 50


class PauseSweep:
    def __init__(self, jobs: Any) -> None:
        self.jobs = jobs
        """The coach (or what background work may use of it): sessions, clock, for_user."""

    async def __call__(self) -> list[Outbound]:
        async with self.jobs.sessions() as session, session.begin():
            query = (
                select(TalkTable.id, TalkTable.paused_by, TalkTable.opened_by)
                .where(
                    TalkTable.phase == f.PAUSED,
                    col(TalkTable.paused_until) <= self.jobs.clock(),
                )
                .order_by(col(TalkTable.paused_until))
                .limit(BATCH)
            )
            due = list((await session.exec(query)).all())
        outs: list[Outbound] = []
        for table_id, paused_by, opened_by in due:
            actor = paused_by or opened_by
            if table_id is None or actor is None:
                continue
            try:
                outs += await self.jobs.for_user(actor, _resume(table_id))
            except Exception:
                log.exception("could not bring table %s back from its pause", table_id)
        return outs


def _resume(table_id: int) -> Callable[[Turn], Awaitable[None]]:
    async def resume(turn: Turn) -> None:
        row = await turn.session.get(TalkTable, table_id, populate_existing=True)
        if row is None or row.phase != f.PAUSED or row.paused_until is None:
            return
        if row.paused_until > turn.now or turn.partner is None:
            return
        back = f.move(store.floor_of(row), f.RESUME, turn.user.id, turn.partner.id, turn.now)
        if isinstance(back, f.Refused) or not await store.commit(turn.session, row, back, turn.now):
            return  # another sweep (or a press of "We're ready now") was first
        view = r.Render(turn.content, row, await store.names(turn.session, row))
        text, keyboard = view.floor(turn.content.t("table_back", row.lang))
        turn.out.append(Outbound(row.chat_id, row.chat_id, text, keyboard))

    return resume
