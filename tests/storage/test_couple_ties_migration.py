"""The migration that ties check-ins and gentle starts to their couple keeps old rows private.

Rows made while the author's current couple existed are tied to it; rows from
before (an earlier relationship) are tied to none, so they can never be shown
to, or acted on by, the current partner.
"""

from __future__ import annotations

from sqlalchemy import text

from bot.storage.db import create_engine
from bot.storage.migrate import migrate
from tests.storage.migrations import sql_bool, upgrade_to

BEFORE = ("0002_couples", "0003_nudges", "0004_cooldown")


async def test_old_rows_are_tied_only_to_a_couple_they_were_made_in(
    empty_database_url: str,
) -> None:
    database_url = empty_database_url
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to, *BEFORE)
        for sql in (
            "INSERT INTO users (id, chat_id, first_name, lang, created_at, active)"
            " VALUES (1, 1, 'Alex', 'en', '2026-01-01 00:00:00', true)",
            "INSERT INTO couples (id, created_at) VALUES (7, '2026-02-01 00:00:00')",
            "UPDATE users SET couple_id = 7 WHERE id = 1",
            # a score from before this couple (another relationship), and one from within it
            "INSERT INTO nudge_checkins (id, user_id, score, shared, created_at)"
            " VALUES (1, 1, 2, true, '2026-01-15 00:00:00'),"
            " (2, 1, 4, true, '2026-02-15 00:00:00')",
            "INSERT INTO nudge_answers (id, user_id, kind, prompt, text, shared, created_at)"
            " VALUES (1, 1, 'appreciation', 'p', 'old words', false, '2026-01-15 00:00:00')",
        ):
            await connection.execute(text(sql.replace("true", sql_bool(database_url, True))))
    await migrate(engine)
    async with engine.connect() as connection:
        checkins = (
            await connection.execute(text("SELECT id, couple_id FROM nudge_checkins ORDER BY id"))
        ).all()
        answers = (await connection.execute(text("SELECT couple_id FROM nudge_answers"))).all()
    await engine.dispose()
    assert [tuple(r) for r in checkins] == [(1, None), (2, 7)]
    assert [tuple(r) for r in answers] == [(None,)]
