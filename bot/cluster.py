"""Several processes on one PostgreSQL: one polls, all handle, the pace is shared.

Each process keeps one extra connection to PostgreSQL, named "attune":

- it LISTENs on `attune_inbox`, which the transaction storing updates
  notifies, so every process wakes to claim work, not only the receiver;
- the process that fetches updates holds a session-level advisory lock on
  it. When that process dies its connection closes and the lock is free:
  another process takes it at its next check (every `CHECK_SECONDS`), so
  polling resumes within seconds and two processes never poll at once
  (Telegram would answer 409);
- counting the connections named "attune" says how many processes share
  Telegram's flood limit, and each paces itself at its share.

If this connection breaks (the database restarts), the process stops
polling until it holds the lock again; handling and sending go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bot.inbox.store import WAKE_CHANNEL

log = logging.getLogger(__name__)

POLL_LOCK = 0x41_74_74_75_6E_65_02
"""Advisory lock held by the one process fetching updates ("Attune" + 2)."""
NAME = "attune"
CHECK_SECONDS = 3.0


def share(total: float, processes: int, burst: int = 2) -> float:
    """One process's pace, so that all together never exceed `total` plus one burst."""
    if processes <= 1:
        return total
    return max(1.0, (total - burst * (processes - 1)) / processes)


def dsn(url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://` URL as asyncpg wants it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Cluster:
    def __init__(
        self,
        url: str,
        *,
        wake: Callable[[], None],
        peers: Callable[[int], None],
        check_seconds: float = CHECK_SECONDS,
    ) -> None:
        self.url = url
        self.wake = wake
        self.peers = peers
        self.check_seconds = check_seconds
        self.polling = False

    async def run(
        self,
        stop: asyncio.Event,
        poller: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        """Until `stop`: keep the connection, follow the peers, and — if `poller` is
        given — run it whenever this process holds the polling lock. A poller that
        fails (a rejected token) ends `run` with its exception."""
        failures = 0
        while not stop.is_set():
            connection: Any = None
            task: asyncio.Task[None] | None = None
            try:
                connection = await asyncpg.connect(
                    dsn(self.url), server_settings={"application_name": NAME}
                )
                await connection.add_listener(WAKE_CHANNEL, self._notified)
                failures = 0
                while not stop.is_set():
                    self.peers(await _count(connection))
                    if poller is not None and task is None and await self._lock(connection):
                        log.info("this process now fetches updates for the bot")
                        self.polling = True
                        task = asyncio.create_task(poller(), name="poller")
                    if task is not None and task.done():
                        task.result()  # a rejected token ends the process
                        return
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.check_seconds)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                failures += 1
                log.warning("lost the coordination connection (%s); retrying", type(exc).__name__)
                await _pause(stop, min(30.0, 0.5 * 2**failures))
            finally:
                self.polling = False
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await connection.close()

    @staticmethod
    async def _lock(connection: Any) -> bool:
        return bool(await connection.fetchval("SELECT pg_try_advisory_lock($1)", POLL_LOCK))

    def _notified(self, *_: object) -> None:
        self.wake()


async def _count(connection: Any) -> int:
    count = await connection.fetchval(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE application_name = $1 AND datname = current_database()",
        NAME,
    )
    return max(1, int(count or 1))


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
