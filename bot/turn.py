"""One person's turn: who is acting, what to send back, and to whom.

Transports build a `Person` from their own input, the coach gives every
handler a `Turn`, and handlers answer with `Outbound` messages that any
transport knows how to deliver.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.content import Content
from bot.engine.outputs import Keyboard
from bot.storage.dialog_store import DialogStore
from bot.storage.models import User

if TYPE_CHECKING:
    from bot.coach import Coach


@dataclass(frozen=True)
class Person:
    """The acting person as the transport sees them."""

    user_id: int
    chat_id: int
    first_name: str = ""
    language_code: str | None = None


@dataclass(frozen=True)
class Document:
    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Photo:
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Outbound:
    """A message for one chat.

    `replace` edits the message whose button was pressed instead of sending a
    new one; `notice` marks a short system answer, shown as a toast when it
    answers a button press. `user_id` lets the transport mark a recipient who
    blocked the bot as inactive.
    """

    chat_id: int
    user_id: int
    text: str = ""
    keyboard: Keyboard = ()
    replace: bool = False
    notice: bool = False
    attachment: Document | Photo | None = None
    ref: str | None = None
    """The sender's own id for this message (e.g. a nudge delivery), handed back to send hooks."""
    append: bool = False
    """With `replace`: keep the pressed message's text and add this under it (a ✓ choice)."""


PARAGRAPH = "\n\n"
MESSAGE_LIMIT = 4096
"""Telegram's limit: messages that would not fit together stay apart."""


def fold(outs: list[Outbound]) -> list[Outbound]:
    """Join consecutive messages to one chat into one message, fewer and easier to read.

    An acknowledgement, the step after it and that step's question arrive as one
    message (one Bot API call, one notification) with the last one's buttons.
    Edits, short notices (toasts on a button press), files, messages with their
    own buttons and messages a job tracks (`ref`) stay whole.
    """
    folded: list[Outbound] = []
    newest: dict[int, int] = {}
    """Per chat, where its newest message is in `folded` (other chats may come between)."""
    for out in outs:
        at = newest.get(out.chat_id)
        if at is not None and _joinable(folded[at], out):
            last = folded[at]
            folded[at] = replace(
                out, text=last.text + PARAGRAPH + out.text if out.text else last.text
            )
        else:
            newest[out.chat_id] = len(folded)
            folded.append(out)
    return folded


def _joinable(first: Outbound, then: Outbound) -> bool:
    plain = (
        not first.keyboard
        and first.chat_id == then.chat_id
        and bool(first.text)
        and not (first.notice or then.notice)
        and not (first.replace or then.replace)
    )
    alone = first.attachment or then.attachment or first.ref or then.ref
    fits = len(first.text) + len(PARAGRAPH) + len(then.text) <= MESSAGE_LIMIT
    return plain and fits and not alone


class NeedsSession(Exception):
    """A turn on the fast path asked for the ORM session; the coach re-runs it with one."""


@dataclass
class Turn:
    """Everything a handler may use while one person's update is processed.

    `store` serves the core flows (dialog state, progress, answers) on either
    path; `session`, the ORM session for everything else, exists only on the
    ORM path (see `bot.storage.sqlite_direct`).
    """

    coach: Coach
    orm_session: AsyncSession | None
    store: DialogStore
    content: Content
    user: User
    partner: User | None
    now: datetime
    args: tuple[str, ...] = ()
    created: bool = False
    out: list[Outbound] = field(default_factory=list)
    afterwards: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    """Run by the coach once the turn's transaction is committed (e.g. a WAL checkpoint)."""

    def fold_from(self, mark: int) -> None:
        """Join what this turn said since `out[mark]` into as few messages as can be."""
        self.out[mark:] = fold(self.out[mark:])

    @property
    def session(self) -> AsyncSession:
        if self.orm_session is None:
            raise NeedsSession
        return self.orm_session

    @property
    def lang(self) -> str:
        return self.content.lang(self.user.lang)

    def t(self, key: str, **values: object) -> str:
        return self.content.t(key, self.lang, **values)

    def say(
        self,
        text: str,
        keyboard: Keyboard = (),
        *,
        replace: bool = False,
        notice: bool = False,
        append: bool = False,
    ) -> None:
        chat, uid = self.user.chat_id, self.user.id
        self.out.append(Outbound(chat, uid, text, keyboard, replace, notice, append=append))

    def say_key(self, key: str, keyboard: Keyboard = (), **values: object) -> None:
        self.say(self.t(key, **values), keyboard)

    def add_to_last(self, text: str, keyboard: Keyboard | None = None) -> None:
        """Add `text` to the newest message this turn sends the person, as one more paragraph.

        `keyboard`, when given, becomes that message's buttons. For a feature that
        continues what a dialog step just said (a dialog action): one message, not
        two. With nothing to add to, it is a message of its own.
        """
        for i in range(len(self.out) - 1, -1, -1):
            last = self.out[i]
            if last.chat_id != self.user.chat_id:
                continue
            if last.replace or last.notice or last.attachment or last.ref or not last.text:
                break
            buttons = last.keyboard if keyboard is None else keyboard
            self.out[i] = replace(last, text=last.text + PARAGRAPH + text, keyboard=buttons)
            return
        self.say(text, keyboard or ())

    def notice(self, key: str, **values: object) -> None:
        self.say(self.t(key, **values), notice=True)

    def attach(self, attachment: Document | Photo) -> None:
        self.out.append(Outbound(self.user.chat_id, self.user.id, attachment=attachment))

    @property
    def partner_reachable(self) -> bool:
        return self.partner is not None and self.partner.active

    def to_partner(self, key: str, keyboard: Keyboard = (), **values: object) -> bool:
        """Queue a message for the partner in *their* language.

        A partner who left or blocked the bot is not attempted; the sender gets
        a neutral note instead. Returns whether the message was queued.
        """
        partner = self.partner
        if partner is None or not partner.active:
            self.notice("partner_unavailable")
            return False
        text = self.content.t(key, partner.lang, **values)
        self.out.append(Outbound(partner.chat_id, partner.id, text, keyboard))
        return True
