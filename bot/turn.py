"""One person's turn: who is acting, what to send back, and to whom.

Transports build a `Person` from their own input, the coach gives every
handler a `Turn`, and handlers answer with `Outbound` messages that any
transport knows how to deliver.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.engine.content import Content
from bot.engine.events import Event
from bot.engine.outputs import Keyboard
from bot.storage.dialog_store import DialogStore
from bot.storage.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    """The acting person as the transport sees them."""

    user_id: int
    chat_id: int
    first_name: str = ""
    language_code: str | None = None
    group_id: int | None = None
    """The group chat the input came from (the Talk Table); None for the person's own
    private chat with Attune."""

    @property
    def private(self) -> bool:
        """The input came from the person's own private chat. Only that shows they can be
        written to again after blocking the bot; a press in a group does not."""
        return self.group_id is None


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
    kind: str | None = None
    """What the message is (its dialog key), kept with it for logs; never the words."""
    sender_id: int | None = None
    """The person it comes from, when it goes to their partner: told, without the words,
    if it cannot be delivered (`Outbox.tell_sender`)."""
    about: str | None = None
    """What that notice names (JSON, e.g. the conversation a shared answer came from)."""
    useful_until: datetime | None = None
    """A time-bound message (a breathing cue) is not sent after this, but marked expired."""
    urgent: bool = False
    """For the partner: goes at once even in their quiet hours (a break notice, the Talk
    Table); other news for the partner waits for the end of them (see `Coach`)."""
    not_before: datetime | None = None
    """Kept in the outbox, not sent, until this moment (partner news in quiet hours)."""


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
    alone = alone or (first.kind, first.sender_id, first.about, first.useful_until) != (
        then.kind,
        then.sender_id,
        then.about,
        then.useful_until,
    )
    fits = len(first.text) + len(PARAGRAPH) + len(then.text) <= MESSAGE_LIMIT
    return plain and fits and not alone


class NeedsSession(Exception):
    """A turn on the fast path asked for the ORM session; the coach re-runs it with one."""


class TurnHost(Protocol):
    """What a turn needs of whoever runs it (the coach): the engine loop and the text route."""

    bot_username: str | None

    async def advance(self, turn: Turn, make_event: Callable[[Turn], Event]) -> None: ...

    async def read_text(self, turn: Turn, text: str) -> None: ...

    async def read_in_group(self, turn: Turn, group_id: int, text: str) -> bool: ...


@dataclass
class Turn:
    """Everything a handler may use while one person's update is processed.

    `store` serves the core flows (dialog state, progress, answers) on either
    path; `session`, the ORM session for everything else, exists only on the
    ORM path (see `bot.storage.sqlite_direct`).
    """

    host: TurnHost
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
    link_news: list[Outbound] = field(default_factory=list)
    """Messages to the partner about the link itself, which quiet mode lets through."""
    group_id: int | None = None
    """`Person.group_id` of whoever acts: what the safety screen holds remembers it, to
    give it back there."""

    async def advance(self, make_event: Callable[[Turn], Event]) -> None:
        """Step the dialog engine for this person (see `Coach.advance`)."""
        await self.host.advance(self, make_event)

    async def read_text(self, text: str) -> None:
        """Route typed text as if just received, past the safety screens (`Coach.read_text`)."""
        await self.host.read_text(self, text)

    async def read_in_group(self, group_id: int, text: str) -> bool:
        """Text written in a group, read there as if just written, past the safety screens
        (`Coach.read_in_group`); False when nothing there takes it any more."""
        return await self.host.read_in_group(self, group_id, text)

    @property
    def bot_username(self) -> str | None:
        """The bot's @username for t.me links; None where there is none (the terminal chat)."""
        return self.host.bot_username

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

    def hold_for_quiet(self) -> None:
        """The last guard of quiet mode (bot.safety.quiet), run by the coach after every turn.

        Whatever a feature queued for a quiet person's partner, by `to_partner` or
        not, is dropped here; only news about the link itself goes (`link_news`).
        """
        if not self.user.quiet or self.partner is None:
            return
        partner_chat = self.partner.chat_id
        kept = [
            out
            for out in self.out
            if out.chat_id != partner_chat or any(out is news for news in self.link_news)
        ]
        if len(kept) != len(self.out):
            log.warning("quiet mode held %d message(s) for a partner", len(self.out) - len(kept))
            self.out = kept

    @property
    def partner_reachable(self) -> bool:
        return self.partner is not None and self.partner.active

    def partner_news(self) -> list[Outbound]:
        """What this turn says to the partner that may wait for their quiet hours to end:
        not urgent, not an edit, text the outbox can keep (`bot.outbox.store.stageable`),
        and not news of the link itself (`link_news`: that it began or ended, a fact both
        share, and the private safety question a new link brings go at once, as before)."""
        if self.partner is None:
            return []
        chat = self.partner.chat_id
        return [
            out
            for out in self.out
            if out.chat_id == chat
            and not (out.urgent or out.replace or out.append or out.attachment or out.ref)
            and out.text
            and not any(out is news for news in self.link_news)
        ]

    def to_partner_now(
        self,
        key: str,
        keyboard: Keyboard = (),
        *,
        useful_until: datetime | None = None,
        **values: object,
    ) -> bool:
        """`to_partner` for what is time-bound (a break and what ends it): it goes even in
        the partner's quiet hours, since by morning it would be stale (see `Outbound.urgent`);
        with `useful_until`, not at all once that moment has passed."""
        return self.to_partner(key, keyboard, urgent=True, useful_until=useful_until, **values)

    def to_partner(
        self,
        key: str,
        keyboard: Keyboard = (),
        *,
        about_the_link: bool = False,
        urgent: bool = False,
        about: dict[str, object] | None = None,
        useful_until: datetime | None = None,
        **values: object,
    ) -> bool:
        """Queue a message for the partner in *their* language.

        A partner who left or blocked the bot is not attempted; the sender gets
        a neutral note instead. While the sender is in quiet mode (bot.safety.quiet)
        nothing is sent and they are told so; only `about_the_link` notices (the
        link began or ended, a fact both share) still go. Returns whether the
        message was queued. `urgent`: see `Outbound.urgent`. `about` names what the message
        is about (the answer it shares: `Outbound.about`, never words), `useful_until` when
        it becomes stale (a break notice after the break: `Outbound.useful_until`).
        """
        partner = self.partner
        if self.user.quiet and not about_the_link:
            self.notice("quiet_mode_held")
            return False
        if partner is None or not partner.active:
            self.notice("partner_unavailable")
            return False
        text = self.content.t(key, partner.lang, **values)
        # News of the link itself (it may come from a /forget that erased its sender) names no
        # sender; anything else does, so the sender can be told if it cannot be delivered.
        out = self.composed_to_partner(
            key,
            text,
            keyboard,
            from_sender=not about_the_link,
            urgent=urgent,
            about=json.dumps(about, sort_keys=True) if about else None,
            useful_until=useful_until,
        )
        if about_the_link:
            self.link_news.append(out)
        return True

    def composed_to_partner(
        self,
        kind: str,
        text: str,
        keyboard: Keyboard = (),
        *,
        from_sender: bool = True,
        urgent: bool = False,
        about: str | None = None,
        useful_until: datetime | None = None,
    ) -> Outbound:
        """Queue words already composed in the partner's language (a reveal of both answers,
        built from both rows) as a partner message: named by `kind` and, `from_sender`, as
        this person's, who is then told if it does not arrive (`Outbox.tell_sender`).

        Whether it may go at all is the caller's: `to_partner` checks quiet mode and a
        partner still here; a reveal has already checked both people's rows."""
        partner = self.partner
        assert partner is not None, "a partner message needs a partner"
        out = Outbound(
            partner.chat_id,
            partner.id,
            text,
            keyboard,
            urgent=urgent,
            kind=kind,
            sender_id=self.user.id if from_sender else None,
            about=about,
            useful_until=useful_until,
        )
        self.out.append(out)
        return out
