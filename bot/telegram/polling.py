"""Long polling that confirms an update to Telegram only once it is stored.

`getUpdates` confirms everything below the `offset` it is called with, so the
next call's offset moves past a batch only after the batch is committed to
the inbox. A crash at any point leaves each update either in the database or
still at Telegram, and the inbox stores an update that comes twice only once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.inbox.store import Inbox
from bot.telegram.delivery import short_reason

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10
"""Seconds Telegram holds a getUpdates open when there is nothing new."""
MAX_BACKOFF = 30.0


async def poll(
    bot: Bot,
    inbox: Inbox,
    stored: Callable[[], None],
    *,
    allowed_updates: Sequence[str],
    stop: asyncio.Event,
    hold_seconds: int = POLL_TIMEOUT,
) -> None:
    """Fetch, store, confirm, until `stop` is set. Raises InvalidToken (the token is wrong)."""
    offset = 0
    failures = 0
    while not stop.is_set():
        try:
            updates = await _get_updates(bot, offset, hold_seconds, allowed_updates)
            failures = 0
        except InvalidToken:
            raise
        except RetryAfter as exc:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                wait = _seconds(exc.retry_after)
            await _pause(stop, wait)
            continue
        except Conflict:
            log.warning("another process is fetching updates for this bot; waiting")
            await _pause(stop, 5.0)
            continue
        except NetworkError as exc:
            failures += 1
            log.info("could not fetch updates (%s); retrying", short_reason(exc))
            await _pause(stop, min(MAX_BACKOFF, 0.5 * 2**failures))
            continue
        if not updates:
            continue
        await _store(inbox, updates, stop)
        offset = max(int(u["update_id"]) for u in updates) + 1
        stored()


async def _get_updates(
    bot: Bot, offset: int, hold_seconds: int, allowed_updates: Sequence[str]
) -> list[dict[str, Any]]:
    """The raw JSON: reading it into objects happens later, one stored update at a time,
    so an update PTB cannot read is skipped alone instead of blocking the rest."""
    data = {"offset": offset, "timeout": hold_seconds, "allowed_updates": list(allowed_updates)}
    result = await bot._post("getUpdates", data, read_timeout=hold_seconds + 10)
    return [u for u in result if isinstance(u, dict)] if isinstance(result, list) else []


async def _store(inbox: Inbox, updates: list[dict[str, Any]], stop: asyncio.Event) -> None:
    """Keep trying until stored: confirming first would lose them if the database is down."""
    failures = 0
    while True:
        try:
            await inbox.receive(updates)
            return
        except Exception:
            failures += 1
            log.warning("could not store %d updates (try %d); retrying", len(updates), failures)
            if stop.is_set():
                raise
            await _pause(stop, min(MAX_BACKOFF, 0.5 * 2**failures))


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _seconds(value: Any) -> float:
    """PTB is moving `retry_after` from int to timedelta; accept both."""
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
