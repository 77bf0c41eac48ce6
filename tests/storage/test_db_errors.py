"""A database error never carries a person's words into an exception message or a log.

SQLAlchemy appends the statement's parameters to every error it raises, and
asyncpg quotes a value it could not send; both may be somebody's private
answer. The engine hides parameters, and the log formatter withholds what the
driver said (keeping the statement, the error type and the traceback).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from bot.logs import WITHHELD, RedactSecrets
from bot.storage.db import create_engine
from bot.storage.migrate import migrate
from bot.storage.models import Reflection

SECRET = "I think I want to leave and never told anyone"


async def failing_insert(url: str, text: str) -> DBAPIError:
    """An answer missing its dialog node: the database refuses the row."""
    engine = create_engine(url)
    await migrate(engine)
    values = {
        "user_id": 424242,
        "dialog": "redefining",
        "key": "familiar",
        "text": text,
        "shared": False,
        "created_at": datetime(2025, 1, 1, tzinfo=UTC),
    }
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(Reflection.__table__).values(**values))
    except DBAPIError as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("the insert should have failed")


def logged(exc: BaseException) -> str:
    """What the bot's log handler prints for `exc` at ERROR."""
    record = logging.LogRecord(
        "bot.telegram.handlers",
        logging.ERROR,
        __file__,
        1,
        "error while handling an update",
        (),
        (type(exc), exc, exc.__traceback__),
    )
    RedactSecrets(()).filter(record)
    return logging.Formatter().format(record)


async def test_an_error_message_does_not_list_the_parameters(database_url: str) -> None:
    exc = await failing_insert(database_url, SECRET)
    assert SECRET not in str(exc)
    assert "INSERT INTO reflections" in str(exc), "the statement is still there to debug"


async def test_a_logged_database_error_keeps_the_statement_but_not_the_words(
    database_url: str,
) -> None:
    exc = await failing_insert(database_url, SECRET)
    text = logged(exc)
    assert SECRET not in text
    assert "INSERT INTO reflections" in text and "Traceback" in text
    [said] = [line for line in text.splitlines() if line.startswith("sqlalchemy.exc.")]
    driver = type(exc.orig)
    if database_url.startswith("sqlite"):  # SQLite's messages never hold data: kept
        shown = "(sqlite3.IntegrityError) NOT NULL constraint failed: reflections.node"
    else:  # the driver's own words withheld; its error type and SQLSTATE kept to debug
        shown = f"({driver.__module__}.{driver.__qualname__}) {WITHHELD} [SQLSTATE 23502]"
    assert said == f"sqlalchemy.exc.IntegrityError: {shown}"


@pytest.mark.postgres
async def test_a_value_asyncpg_could_not_send_is_not_quoted_in_the_log(postgres_url: str) -> None:
    """asyncpg puts the value itself in its message ("invalid input for query argument")."""
    exc = await failing_insert(postgres_url, SECRET + "\ud800")
    words = SECRET[:20]
    assert words in str(exc.orig), "asyncpg does quote it"
    text = logged(exc)
    assert words not in text
    assert "DataError" in text or "Error" in text
