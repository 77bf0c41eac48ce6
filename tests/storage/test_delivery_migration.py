"""The outbox joins the delivery record: messages waiting at upgrade time are still sent, once."""

from __future__ import annotations

from sqlalchemy import text

from bot.outbox.store import Outbox
from bot.sending import Outcome
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.types import utcnow
from tests.storage.migrations import upgrade_to

ROWS = (
    # id, status, attempts: waiting, pausing after a failed try, in flight, sent
    (1, "queued", 0),
    (2, "queued", 3),
    (3, "sending", 1),
    (4, "sent", 1),
)


async def test_waiting_messages_are_carried_over_and_sent_once(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to, "0001_core", "0009_outbox")
        for row_id, status, attempts in ROWS:
            body = None if status == "sent" else f'{{"text": "m{row_id}", "keyboard": []}}'
            await connection.execute(
                text(
                    "INSERT INTO outbox_messages (id, user_id, chat_id, body, lane, status,"
                    " owner, lease_until, attempts, created_at) VALUES (:id, 7, 7, :body,"
                    " 'reply', :status, 'old', '2026-01-01 00:00:00.000000', :attempts,"
                    " '2026-01-01 00:00:00.000000')"
                ),
                {"id": row_id, "body": body, "status": status, "attempts": attempts},
            )
    await migrate(engine)
    try:
        async with engine.connect() as connection:
            statuses = (
                await connection.execute(text("SELECT id, status FROM outbox_messages ORDER BY id"))
            ).all()
        assert [tuple(r) for r in statuses] == [
            (1, "claimed"),
            (2, "claimed"),
            (3, "sending"),
            (4, "sent"),
        ]
        outbox = Outbox(session_factory(engine), utcnow, owner="new")
        taken = await outbox.reclaim()
        assert [m.text for m in taken] == ["m1", "m2"], "the old owner's lease ran out long ago"
        for message in taken:
            assert await outbox.admit(message)
            await outbox.done(message, Outcome.SENT)
        assert await outbox.reclaim() == [], "each once; the one in flight is never repeated"
        async with engine.connect() as connection:
            final = (
                await connection.execute(text("SELECT id, status FROM outbox_messages ORDER BY id"))
            ).all()
        assert [tuple(r) for r in final] == [(1, "sent"), (2, "sent"), (3, "unknown"), (4, "sent")]
    finally:
        await engine.dispose()
