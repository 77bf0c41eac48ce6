"""Hand stored updates to PTB, many people at once but a bounded number of turns.

`TurnProcessor` is the Application's `concurrent_updates` processor: it caps
how many turns run at the same time, so an overload queues in the database
instead of in memory. Ordering is not its job: the inbox worker gives it a
person's next update only after their previous one finished (see
`bot.inbox.worker`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from bot.inbox.store import Stored
from bot.inbox.ticket import Ticket

MAX_TURNS = 64
"""Turns in flight at once; enough to keep every round trip to Telegram busy."""


class TurnProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_TURNS) -> None:
        super().__init__(max_concurrent_updates)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def dispatcher(app: Application[Any, Any, Any, Any, Any, Any]) -> Any:
    """The inbox worker's `dispatch`: read the stored JSON, run PTB's handlers for it."""

    async def dispatch(row: Stored, ticket: Ticket) -> None:
        try:
            update = Update.de_json(row.data(), app.bot)
        except Exception as exc:  # never log the content: it is a person's words
            raise ValueError(f"update {row.update_id} could not be read") from exc
        await app.update_processor.process_update(update, app.process_update(update))

    return dispatch
