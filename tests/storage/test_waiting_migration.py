"""The migration to one waiting-input record keeps each person's newest open question."""

from __future__ import annotations

from sqlalchemy import text

from bot.storage.db import create_engine
from bot.storage.migrate import migrate
from tests.storage.migrations import sql_bool, upgrade_to

BEFORE = ("0002_couples", "0003_nudges", "0006_lovemaps", "0007_safety")


async def test_open_questions_are_carried_over_newest_first(empty_database_url: str) -> None:
    url = empty_database_url
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_to, *BEFORE)
        for sql in (
            "INSERT INTO users (id, chat_id, first_name, lang, created_at, active) VALUES"
            " (1, 1, 'Alex', 'en', '2026-01-01 00:00:00', true),"
            " (2, 2, 'Sam', 'en', '2026-01-01 00:00:00', true)",
            # Alex was asked for a name, then (later) for a time: the time is the open one
            "INSERT INTO name_prompts (user_id, purpose, asked_at)"
            " VALUES (1, 'invite', '2026-03-01 10:00:00')",
            "INSERT INTO nudge_schedules (user_id, days, minute, stride, unanswered,"
            " regular_due_at, summary, kind_cursor, awaiting, awaiting_at) VALUES"
            " (1, '0123456', 1140, 1, 0, '2026-03-02 19:00:00', false, 0,"
            " 'time', '2026-03-01 10:05:00')",
            "INSERT INTO safety_country_prompts (user_id, need, asked_at)"
            " VALUES (2, 'a', '2026-03-01 09:00:00')",
        ):
            sql = sql.replace("true", sql_bool(url, True)).replace("false", sql_bool(url, False))
            await connection.execute(text(sql))
    await migrate(engine)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT user_id, feature, key FROM waiting_inputs ORDER BY user_id")
            )
        ).all()
        tables = await connection.run_sync(
            lambda sync: set(__import__("sqlalchemy").inspect(sync).get_table_names())
        )
    await engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "checkins", "time"), (2, "safety", "a")]
    assert {"name_prompts", "safety_country_prompts"}.isdisjoint(tables)
