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

from sqlalchemy import Table, and_, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.record import CLAIMED, HELD, SENDING, SENT, SKIPPED, UNKNOWN, DeliveryRecord
from bot.engine.outputs import KeyButton
from bot.outbox.models import REPLY, OutboxMessage
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
    "sender_id",
)


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
    ) -> None:
        self.record = DeliveryRecord(
            OutboxMessage,
            sessions,
            clock,
            lease=lease,
            id_of=outbox_id,
            clear=("body",),
            owner=owner,
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
            sender_id=None,
        )
        if out.not_before is not None:  # held: no process's until then (see `HELD`)
            row.update(owner=HELD, lease_until=out.not_before, sender_id=sender)
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
        async with self.sessions() as session, session.begin():
            await self.record.expire_sends(session, now)
            await self._drop_stale_news(session, now)
            rows = await self.record.reclaim(session, now, limit, OUTBOX.c.chat_id, OUTBOX.c.body)
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


def _with_ref(out: Outbound, row_id: int) -> Outbound:
    return replace(out, ref=f"{REF_PREFIX}{row_id}")
