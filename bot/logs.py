"""Logging set-up that keeps secrets out of every line.

httpx logs full request URLs, and Bot API URLs contain the token; a filter on
the root handler scrubs known secrets (and anything token-shaped) from every
record, whoever emitted it.
"""

from __future__ import annotations

import logging
import re
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
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.scrub(message), None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
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
    # At DEBUG, python-telegram-bot logs every update and API call in full — people's
    # private answers included — so its loggers never go below INFO.
    for chatty in ("telegram.ext", "telegram.Bot", "telegram._bot"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, root.level))
