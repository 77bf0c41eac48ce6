"""What a turn reads and writes about the person's guided conversations.

The core flows (start, topics, dialog steps, answers) go through this small
interface rather than an ORM session, so the same code runs on either of two
stores: `SessionDialogStore` (an ORM session, any database) and
`sqlite_direct.DirectDialogStore` (the embedded database's fast path).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.state import DialogState
from bot.storage import repo
from bot.storage.models import DialogProgress, Reflection


class DialogStore(Protocol):
    async def load_state(self, user_id: int) -> tuple[DialogState, int]: ...

    async def save_state(
        self, user_id: int, state: DialogState, version: int, now: datetime
    ) -> bool: ...

    async def progress(self, user_id: int) -> dict[str, DialogProgress]: ...

    async def record_progress(
        self, user_id: int, dialog: str, *, node: str | None, now: datetime, done: bool = False
    ) -> None: ...

    async def add_reflection(self, reflection: Reflection) -> None: ...

    async def check(self, conditions: Select[tuple[bool, ...]], user_id: int) -> tuple[bool, ...]:
        """Evaluate yes/no SQL conditions about the person (bound as :uid)."""
        ...


class SessionDialogStore:
    """The store on an ORM session: every database, every feature alongside."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load_state(self, user_id: int) -> tuple[DialogState, int]:
        return await repo.load_state(self.session, user_id)

    async def save_state(
        self, user_id: int, state: DialogState, version: int, now: datetime
    ) -> bool:
        return await repo.save_state(self.session, user_id, state, version, now)

    async def progress(self, user_id: int) -> dict[str, DialogProgress]:
        return await repo.progress(self.session, user_id)

    async def record_progress(
        self, user_id: int, dialog: str, *, node: str | None, now: datetime, done: bool = False
    ) -> None:
        await repo.record_progress(self.session, user_id, dialog, node=node, now=now, done=done)

    async def add_reflection(self, reflection: Reflection) -> None:
        self.session.add(reflection)
        await self.session.flush()

    async def check(self, conditions: Select[tuple[bool, ...]], user_id: int) -> tuple[bool, ...]:
        row = (await self.session.exec(conditions, params={"uid": user_id})).one()
        return tuple(bool(value) for value in row)
