"""Stage a turn's messages in its transaction; send each exactly once afterwards.

The outbox is a table of the delivery record (`bot.delivery.record`: claim,
lease, admit, done), holding every message a turn decides — a person's own
turn or a job's (a break's timer, a table coming back from its pause):

1. **stage**: in the turn's own transaction the messages are inserted as
   claimed by this process with a lease; a turn that rolls back leaves none,
   a turn that commits has all of them on record;
2. **admit**: right before the request (after pacing), `claimed -> sending`,
   only by the owner, so two senders never both send it;
3. **outcome**: `sent` (the body is dropped), a final refusal, or — when the
   request certainly did not arrive (a 500, no connection) — back to
   `claimed` with a growing pause, to be tried again;
4. **reclaim**: a periodic job takes over claims whose lease ran out (their
   process died, or their pause is over) and marks `sending` rows of a dead
   process `unknown`: they may have arrived, so they are never repeated.

A message to a partner names its sender: when it reaches `blocked`, `refused`
or `failed` (the tries gave up), the sender is told in the same transaction,
by a notice staged for them that names what could not be delivered (a
conversation's title), never the words (see `tell_sender`). A time-bound
message past its `useful_until` is marked `expired`, never sent.

So a crash loses no message a committed turn decided, and no message is sent twice.
What the record does not keep is bytes: an attachment (a /mydata file) is
sent as it is; the weekly picture is drawn again from its check-in delivery
row when it has to be tried again (`bot.nudges`).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, column, exists, func, insert, select, table, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.record import (
    BLOCKED,
    CLAIMED,
    EXPIRED,
    FAILED,
    HELD,
    SENDING,
    SENT,
    SKIPPED,
    UNKNOWN,
    DeliveryRecord,
    log_expired,
)
from bot.engine.content import Content
from bot.engine.outputs import KeyButton
from bot.outbox.models import BULK, REPLY, OutboxMessage
from bot.sending import Outcome
from bot.storage.models import User
from bot.storage.types import utcnow
from bot.turn import Outbound

log = logging.getLogger(__name__)

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
REF_PREFIX = "outbox:"
LEASE = timedelta(seconds=30)
"""A claimed message whose owner stopped renewing is taken over after this."""
BATCH = 100

STAGE = insert(OUTBOX)
STAGE_COLUMNS = (
    "user_id",
    "chat_id",
    "body",
    "lane",
    "status",
    "owner",
    "lease_until",
    "attempts",
    "created_at",
    "kind",
    "sender_id",
    "about",
    "useful_until",
)
UNDELIVERED_KIND = "undelivered"
"""The notice telling a sender their message could not be delivered."""
NOBODY = "-"
"""The owner of a notice staged by an outcome: no process's own, so the next sweep sends it."""
SHAREABLE = {
    "reflection": table("reflections", column("id"), column("user_id"), column("shared")),
    "answer": table("nudge_answers", column("id"), column("user_id"), column("shared")),
}
"""What a message's `about` may name that its sender shared with the partner (a
conversation's answer, a check-in note), and where it is kept: when the message is
undelivered it is shared no more, so the sender can share it again later. Named by table,
so that the outbox knows no feature."""
SILENT = {
    "cooldown_starter_acked": (
        "the partner's 'got it' to a break notice, a courtesy its sender was not told had "
        "arrived; telling them would reach them while they give the other space"
    ),
    "table_understood_shown": (
        "the partner's private thank-you once both notes are shown in the Talk Table's "
        "group; the notes themselves are in the group both read, so nothing of the "
        "sender's is missing there and a notice would only worry them"
    ),
}
"""Kinds of message to a partner whose sender is not told when it is undelivered, and why.
Every other kind sent to a partner has an `undelivered_what_<kind>` text (the test
tests/outbox/test_kinds.py holds the code to this). News of the link itself (it began or
ended) names no sender and is not among them. A kind here needs a reason that the sender
could do nothing with the notice or was never led to think the message arrived."""


def outbox_id(ref: str | None) -> int | None:
    if ref is None or not ref.startswith(REF_PREFIX):
        return None
    tail = ref.removeprefix(REF_PREFIX)
    return int(tail) if tail.isdigit() else None


def encode(out: Outbound) -> str:
    keyboard = [[[b.label, b.data] for b in row] for row in out.keyboard]
    return json.dumps({"text": out.text, "keyboard": keyboard, "notice": out.notice})


def decode(row_id: int, user_id: int, chat_id: int, body: str) -> Outbound:
    data = json.loads(body)
    keyboard = tuple(
        tuple(KeyButton(label, payload) for label, payload in row) for row in data["keyboard"]
    )
    return Outbound(
        chat_id,
        user_id,
        data["text"],
        keyboard,
        notice=bool(data.get("notice")),
        ref=f"{REF_PREFIX}{row_id}",
    )


def stageable(out: Outbound) -> bool:
    """Text the record can keep and send again. Not: attachments (sent as they are),
    messages another record tracks (`ref`: a check-in), and a ✓ added to the pressed
    message (`append`), which means nothing as a message of its own later."""
    return out.attachment is None and out.ref is None and bool(out.text) and not out.append


class Outbox:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Any = utcnow,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
        content: Content | None = None,
    ) -> None:
        """With `content`, a sender is told when their message to a partner is undelivered."""
        self.content = content
        self.record = DeliveryRecord(
            OutboxMessage,
            sessions,
            clock,
            lease=lease,
            id_of=outbox_id,
            clear=("body",),
            owner=owner,
            on_undelivered=self.tell_sender if content is not None else None,
        )

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.record.sessions

    @property
    def clock(self) -> Any:
        return self.record.clock

    @property
    def owner(self) -> str:
        return self.record.owner

    @property
    def lease(self) -> timedelta:
        return self.record.lease

    @property
    def direct(self) -> Any:
        """The embedded database's fast path, when there is one (see `DeliveryRecord`)."""
        return self.record.direct

    @direct.setter
    def direct(self, value: Any) -> None:
        self.record.direct = value

    # -- 1. stage (inside the turn's transaction) ------------------------------

    def _row(
        self, out: Outbound, now: datetime, lane: str, sender: int | None = None
    ) -> dict[str, Any]:
        row = self.record.claim(
            out.user_id,
            now,
            chat_id=out.chat_id,
            body=encode(out),
            lane=lane,
            created_at=now,
            kind=out.kind,
            sender_id=out.sender_id,
            about=out.about,
            useful_until=out.useful_until,
        )
        if out.not_before is not None:  # held: no process's until then (see `HELD`)
            row.update(owner=HELD, lease_until=out.not_before, sender_id=sender or out.sender_id)
        return row

    async def stage(
        self,
        session: AsyncSession,
        outs: Sequence[Outbound],
        now: datetime,
        lane: str = REPLY,
        sender: int | None = None,
    ) -> list[Outbound]:
        """Put `outs` on record in `session`'s transaction; returns them carrying their ids.

        A message with a `not_before` time is kept until then, as news of `sender`'s
        (see `reclaim`); the caller does not send it now.
        """
        staged: list[Outbound] = []
        for out in outs:
            if not stageable(out):
                staged.append(out)
                continue
            result = await session.exec(  # type: ignore[call-overload]
                insert(OUTBOX).values(self._row(out, now, lane, sender)).returning(OUTBOX.c.id)
            )
            staged.append(_with_ref(out, result.scalar_one()))
        return staged

    def stage_on_connection(
        self,
        connection: sqlite3.Connection,
        prepared: Any,
        outs: Sequence[Outbound],
        now: datetime,
        lane: str = REPLY,
    ) -> list[Outbound]:
        """The same on the embedded database's fast path (`prepared` compiles `STAGE`)."""
        staged: list[Outbound] = []
        for out in outs:
            if not stageable(out):
                staged.append(out)
                continue
            cursor = prepared.execute(connection, **self._row(out, now, lane))
            staged.append(_with_ref(out, int(cursor.lastrowid)))
        return staged

    # -- 2. and 3. admit and outcome (SendHooks) --------------------------------

    async def admit(self, out: Outbound) -> bool:
        return await self.record.admit(out)

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        await self.record.done(out, outcome)

    async def sent_ages(self, chat_id: int, window: float) -> list[float]:
        """How many seconds ago each message to `chat_id` in the last `window` was sent
        (a group's per-minute budget, remembered across a restart). A message a stopped
        process was sending may have arrived: it counts from when it was staged."""
        now = self.clock()
        when = func.coalesce(OUTBOX.c.sent_at, OUTBOX.c.created_at)
        query = select(OUTBOX.c.sent_at, OUTBOX.c.created_at).where(
            OUTBOX.c.chat_id == chat_id,
            OUTBOX.c.status.in_((SENT, SENDING, UNKNOWN)),
            when >= now - timedelta(seconds=window),
        )
        async with self.sessions() as session:
            rows = (await session.exec(query)).all()  # type: ignore[call-overload]
        return [(now - (sent or made)).total_seconds() for sent, made in rows]

    # -- 4. reclaim --------------------------------------------------------------

    async def reclaim(self, limit: int = BATCH) -> list[Outbound]:
        """Messages whose owner stopped (or whose pause is over), now ours, oldest first."""
        now = self.clock()
        stale: list[Any] = []

        def too_late(row: Any) -> bool:
            if row.useful_until is not None and row.useful_until <= now:
                stale.append(row)
                return True
            return False

        async with self.sessions() as session, session.begin():
            await self.record.expire_sends(session, now)
            await self._drop_stale_news(session, now)
            rows = await self.record.reclaim(
                session,
                now,
                limit,
                OUTBOX.c.chat_id,
                OUTBOX.c.body,
                OUTBOX.c.kind,
                OUTBOX.c.useful_until,
                too_late=too_late,
                late_as=EXPIRED,
            )
        for row in stale:
            log_expired(self.record.what, row)
        return [decode(r.id, r.user_id, r.chat_id, r.body or "{}") for r in rows]

    async def _drop_stale_news(self, session: AsyncSession, now: datetime) -> None:
        """Held partner news that is due goes only if its sender still could send it:
        still linked with the recipient and not in quiet mode (`bot.safety.quiet`).
        Otherwise it is skipped and its words dropped, as if it had never been said."""
        t = OUTBOX
        sender, recipient = User.__table__.alias("sender"), User.__table__.alias("recipient")  # type: ignore[attr-defined]
        still = exists().where(
            sender.c.id == t.c.sender_id,
            recipient.c.id == t.c.user_id,
            sender.c.couple_id.is_not(None),
            sender.c.couple_id == recipient.c.couple_id,
            sender.c.quiet.is_(False),
        )
        due = and_(t.c.status == CLAIMED, t.c.owner == HELD, t.c.lease_until < now)
        result = await session.exec(  # type: ignore[call-overload]
            update(t).where(due, ~still).values(status=SKIPPED, body=None)
        )
        if result.rowcount:
            log.info(
                "%d held partner message(s) dropped: the sender no longer shares", result.rowcount
            )

    async def renew(self) -> None:
        """Keep the fresh messages this process is about to send (not those pausing)."""
        await self.record.renew()

    async def take_over(self) -> None:
        """At start-up of the only process (SQLite): what a crash left is ours at once."""
        await self.record.take_over()

    # -- 5. telling the sender ------------------------------------------------------

    async def tell_sender(self, session: AsyncSession, row: Any) -> None:
        """`row` (a message from one partner to the other) certainly did not arrive:
        stage a notice for its sender, in this transaction, naming what it was.

        Only messages whose kind has a description (`undelivered_what_<kind>`) are
        told about (the kinds in `SILENT` are not, each for a reason); never the
        words, which stay where the sender keeps them (what `about` names as shared,
        see `SHAREABLE`, is marked unshared again, so it can be shared later).

        A sender in quiet mode (`bot.safety.quiet`) hears nothing: quiet mode means
        nothing about the partner, and the notice is dropped, not kept for later (it
        would be stale, and the answer is already unshared). A sender who left
        (`active` false) is not written to either.
        One notice for the pieces of one long message (they share the turn's moment).
        """
        content = self.content
        if content is None or row.sender_id is None or row.kind is None:
            return
        what_key = f"undelivered_what_{row.kind}"
        if what_key not in content.ui:
            return
        about = json.loads(row.about or "{}")
        sender = await session.get(User, row.sender_id)
        if sender is None:
            return
        for name, kept in SHAREABLE.items():
            shared = about.get(name)
            if isinstance(shared, int):
                await session.exec(  # type: ignore[call-overload]
                    update(kept)
                    .where(kept.c.id == shared, kept.c.user_id == sender.id)
                    .values(shared=False)
                )
        if sender.quiet or not sender.active:
            log.info(
                "a %s to chat %s was not delivered; its sender is not told", row.kind, row.chat_id
            )
            return
        mark = json.dumps(
            {"of": row.kind, "to": row.user_id, "at": row.created_at.isoformat()}, sort_keys=True
        )
        told = await session.exec(  # type: ignore[call-overload]
            select(OUTBOX.c.id).where(
                OUTBOX.c.user_id == sender.id,
                OUTBOX.c.kind == UNDELIVERED_KIND,
                OUTBOX.c.about == mark,
            )
        )
        if told.first() is not None:
            return
        recipient = await session.get(User, row.user_id)
        lang = content.lang(sender.lang)
        dialog = about.get("dialog")
        title = content.title(dialog, lang) if dialog in content.dialogs else ""
        key = {BLOCKED: "undelivered_blocked", FAILED: "undelivered_gave_up"}.get(
            row.status, "undelivered_refused"
        )
        text = content.t(
            key,
            lang,
            what=content.t(what_key, lang, title=title),
            partner=recipient.name if recipient is not None else "",
        )
        now = self.clock()
        notice = Outbound(sender.chat_id, sender.id, text, kind=UNDELIVERED_KIND, about=mark)
        values = self._row(notice, now, BULK)
        values.update(owner=NOBODY, lease_until=now - timedelta(seconds=1))  # free: next sweep's
        await session.exec(insert(OUTBOX).values(values))  # type: ignore[call-overload]
        log.info(
            "a %s to chat %s was not delivered (%s); its sender will be told",
            row.kind,
            row.chat_id,
            row.status,
        )


def _with_ref(out: Outbound, row_id: int) -> Outbound:
    return replace(out, ref=f"{REF_PREFIX}{row_id}")
