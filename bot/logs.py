"""Logging set-up that keeps secrets and people's words out of every line.

httpx logs full request URLs, and Bot API URLs contain the token; a filter on
the root handler scrubs known secrets (and anything token-shaped) from every
record, whoever emitted it. Tracebacks are formatted by `format_exception`,
which withholds what a database driver said: PostgreSQL quotes a failing row
and asyncpg a value it could not send, and those are people's answers.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from pathlib import Path

TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = format_exception(record.exc_info[1])
        record.msg, record.args = self.scrub(message), None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        return True


WITHHELD = "(message withheld: a database error can quote people's words)"
_QUOTING_DRIVERS = ("asyncpg", "psycopg", "sqlalchemy.dialects.postgresql")
"""PostgreSQL drivers quote failing rows and values; SQLite's messages never hold data."""
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def format_exception(exc: BaseException) -> str:
    """Like `traceback.format_exception`, with database drivers' messages withheld."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    parts: list[str] = []
    for index, (item, _) in enumerate(reversed(chain)):
        if index:
            parts.append(chain[len(chain) - index][1])
        parts.append("Traceback (most recent call last):\n" if item.__traceback__ else "")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(f"{_qualified(item)}: {_message(item)}\n")
    return "".join(parts).rstrip("\n")


def _qualified(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return (
        kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
    )


def _message(exc: BaseException) -> str:
    statement = getattr(exc, "statement", None)
    if isinstance(statement, str):  # SQLAlchemy's StatementError: keep our own SQL
        orig = getattr(exc, "orig", None)
        said = f"({_qualified(orig)}) {_message(orig)}" if orig is not None else WITHHELD
        return f"{said}\n[SQL: {statement}]"
    if type(exc).__module__.startswith(_QUOTING_DRIVERS):
        code = getattr(exc, "sqlstate", None)
        return WITHHELD + (f" [SQLSTATE {code}]" if code else "")
    return str(exc)


def _quiet_non_json(record: logging.LogRecord) -> bool:
    if record.msg == 'Can not load invalid JSON data: "%s"':
        record.msg, record.args, record.exc_info = (
            "the Bot API answered with a body not JSON",
            (),
            None,
        )
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    return True


def setup_logging(level: str, secrets: Iterable[str], file: Path | None = None) -> None:
    """Log to stderr, or to `file` (the terminal chat, where log lines would
    land in the middle of the conversation)."""
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(file, encoding="utf-8") if file else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # A body that is not JSON (a proxy's HTML error page) is logged by PTB with a
    # traceback and the whole page; the failure itself is handled and said by us.
    logging.getLogger("telegram.request.BaseRequest").addFilter(_quiet_non_json)
    # At DEBUG, python-telegram-bot logs every update and API call in full — people's
    # private answers included — so its loggers never go below INFO.
    for chatty in ("telegram.ext", "telegram.Bot", "telegram._bot"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, root.level))
