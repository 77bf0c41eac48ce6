"""The name each person chooses for their partner to see.

Asked once, the first time it matters (making or accepting an invite), and
changeable from /settings. While we wait for the answer, the question is an
open `bot.waiting` question whose key says why we asked; it lapses after ten
minutes, or as soon as the person moves on in a conversation, so a later
dialog answer is never taken for a name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from bot import waiting
from bot.couples.models import Invite
from bot.storage.models import WaitingInput
from bot.turn import Turn

MAX_NAME = 32
PROMPT_TTL = timedelta(minutes=10)
"""Short: text typed much later is far more likely an answer than a name."""
INVITE, JOIN, SETTINGS = "invite", "join", "settings"
FEATURE = "couples"
MARK = 16


@dataclass(frozen=True)
class NameQuestion:
    """Why we asked: "invite" makes their invite, "join" links them by `invite_id`,
    "settings" just saves the name."""

    purpose: str
    invite_id: int | None = None
    invite_mark: str = ""
    """The start of the invite's code hash: a new invite that reuses the id is not this one."""

    @classmethod
    def of(cls, row: WaitingInput) -> NameQuestion:
        number, _, mark = (row.ref or "").partition(":")
        return cls(row.key, int(number) if number.isdigit() else None, mark)

    def about(self, invite: Invite) -> bool:
        return invite.id == self.invite_id and invite.code_hash.startswith(self.invite_mark)


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


async def ask(turn: Turn, purpose: str, invite: Invite | None = None) -> None:
    ref = None if invite is None else f"{invite.id}:{invite.code_hash[:MARK]}"
    await waiting.ask(turn, FEATURE, purpose, ref=ref, expires_in=PROMPT_TTL)


async def pending(turn: Turn) -> NameQuestion | None:
    """The open name question, unless it lapsed (`bot.waiting`'s one rule)."""
    row = await waiting.current(turn, FEATURE)
    return None if row is None else NameQuestion.of(row)


async def done(turn: Turn) -> None:
    await waiting.done(turn, FEATURE)
