"""The name each person chooses for their partner to see.

Asked once, the first time it matters (making or accepting an invite), and
changeable from /settings. While we wait for the answer a `NamePrompt` row
remembers why we asked; it goes stale after an hour, or as soon as the person
moves on in a conversation, so a later dialog answer is never taken for a name.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.couples.models import NamePrompt
from bot.storage.models import DialogSession

MAX_NAME = 32
PROMPT_TTL = timedelta(minutes=10)
"""Short: text typed much later is far more likely an answer than a name."""
INVITE, JOIN, SETTINGS = "invite", "join", "settings"


def clean_name(text: str) -> str | None:
    """The name as we would store it, or None if it cannot be a name.

    Whitespace is collapsed and invisible control characters dropped; a name
    needs at least one letter and at most `MAX_NAME` characters, and cannot
    look like a command.
    """
    visible = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", visible).strip()
    if not name or len(name) > MAX_NAME or name.startswith("/"):
        return None
    if not any(c.isalpha() for c in name):
        return None
    return name


async def ask(
    session: AsyncSession, user_id: int, purpose: str, now: datetime, invite_id: int | None = None
) -> None:
    prompt = await session.get(NamePrompt, user_id)
    if prompt is None:
        prompt = NamePrompt(user_id=user_id, purpose=purpose)
    prompt.purpose, prompt.invite_id, prompt.asked_at = purpose, invite_id, now
    session.add(prompt)
    await session.flush()


async def pending(session: AsyncSession, user_id: int, now: datetime) -> NamePrompt | None:
    """The open question, unless it expired or the person has moved on since."""
    prompt = await session.get(NamePrompt, user_id, populate_existing=True)
    if prompt is None:
        return None
    dialog = await session.get(DialogSession, user_id)
    moved_on = dialog is not None and dialog.updated_at > prompt.asked_at
    if now - prompt.asked_at > PROMPT_TTL or moved_on:
        await done(session, user_id)
        return None
    return prompt


async def done(session: AsyncSession, user_id: int) -> None:
    await session.exec(delete(NamePrompt).where(col(NamePrompt.user_id) == user_id))
