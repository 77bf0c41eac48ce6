"""Run the Telegram bot until SIGINT/SIGTERM: polling, or a webhook when configured.

Updates travel: Telegram -> (poller | webhook) -> the inbox table -> the inbox
worker -> PTB's handlers -> the coach. Telegram is told an update arrived only
after it is stored, and a stored update is handled exactly once, in each
person's order, even across a crash (see `bot.inbox`).

Start-up waits (within `startup_retry_seconds`) for a database or a Bot API
server that does not answer yet, and otherwise fails with one line
(`StartupFailed`) that never carries the token.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.error import InvalidToken, NetworkError
from telegram.ext import ContextTypes

from bot import health
from bot.cluster import Cluster, share
from bot.config import Settings
from bot.delivery.gate import Gate
from bot.inbox.store import Inbox
from bot.inbox.worker import InboxWorker
from bot.runtime import open_runtime
from bot.startup import StartupFailed, unreachable, with_retries
from bot.storage.db import is_sqlite
from bot.telegram.application import GATE, AnyApplication, build_application, on_started
from bot.telegram.handlers import UPDATE_KINDS
from bot.telegram.polling import poll
from bot.telegram.processor import dispatcher
from bot.telegram.ratelimit import GuardedRateLimiter
from bot.telegram.webhook import webhook_server

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> int:
    """Returns the process's exit code."""
    async with open_runtime(settings) as runtime:
        app = build_application(settings, runtime.coach)
        await connect(app, settings)
        inbox = Inbox(runtime.sessions, runtime.coach.clock)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with app:
            await app.start()
            await on_started(app, runtime.coach)
            if settings.health_file is not None:
                schedule_heartbeat(app, runtime.engine, settings.health_file)
            if is_sqlite(settings.database_url):
                # One process per SQLite file: what is left is a crash's, ours at once.
                await inbox.forget_lanes()
                if runtime.coach.outbox is not None:
                    await runtime.coach.outbox.take_over()
            worker = InboxWorker(inbox, dispatcher(app))
            await worker.start()
            worker.wake()  # whatever a crash left behind
            cluster = None
            if not is_sqlite(settings.database_url):
                cluster = Cluster(
                    settings.database_url, wake=worker.wake, peers=pace_share(app, settings)
                )
            try:
                if settings.webhook_url:
                    code = await _webhook(app, settings, inbox, worker, stop, cluster)
                else:
                    code = await _polling(app, inbox, worker, stop, cluster)
            finally:
                log.info("stopping")
                gate = app.bot_data.get(GATE)
                if isinstance(gate, Gate):  # sends under way finish; no new one starts
                    await gate.close(settings.shutdown_grace_seconds)
                await worker.stop()
                await app.stop()
        return code


async def _polling(
    app: Any, inbox: Inbox, worker: InboxWorker, stop: asyncio.Event, cluster: Cluster | None
) -> int:
    """Fetch updates until `stop`; on PostgreSQL only while this process holds the lock."""
    await app.bot.delete_webhook()

    def fetch() -> Coroutine[Any, Any, None]:
        return poll(app.bot, inbox, worker.wake, allowed_updates=UPDATE_KINDS, stop=stop)

    if cluster is None:
        task = asyncio.create_task(fetch())
        log.info("Attune is polling for updates")
    else:
        task = asyncio.create_task(cluster.run(stop, fetch))
        log.info("Attune is running; one of its processes fetches updates at a time")
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done() and cluster is None:
        task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        return 0
    except InvalidToken:
        log.error("Telegram refused the bot token (or the API address is wrong); stopping")
        return 1
    return 0


def pace_share(app: Any, settings: Settings) -> Callable[[int], None]:
    """Each of several processes sends at its share of the configured pace."""
    told = 0

    def peers(count: int) -> None:
        nonlocal told
        limiter = app.bot.rate_limiter
        if count != told and isinstance(limiter, GuardedRateLimiter):
            told = count
            limiter.pacer.rate = share(settings.telegram_messages_per_second, count)
            log.info(
                "%d processes share the sending pace: %.1f messages/s here",
                count,
                limiter.pacer.rate,
            )

    return peers


async def _webhook(
    app: Any,
    settings: Settings,
    inbox: Inbox,
    worker: InboxWorker,
    stop: asyncio.Event,
    cluster: Cluster | None,
) -> int:
    """Every process may receive; on PostgreSQL they wake each other and share the pace."""
    assert settings.webhook_url is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None

    async def receive(update: dict[str, Any]) -> None:
        await inbox.receive([update])
        worker.wake()

    server = webhook_server(urlparse(settings.webhook_url).path, receive, secret)
    server.listen(settings.webhook_port, address=settings.webhook_listen)
    try:
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=UPDATE_KINDS
        )
        log.info("Attune is listening for webhook updates on port %s", settings.webhook_port)
        if cluster is not None:
            await cluster.run(stop)
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
    return 0


async def connect(app: AnyApplication, settings: Settings) -> None:
    """Ask the Bot API who we are (getMe), waiting for it if it does not answer yet.

    A rejected token or a wrong server URL is said in one line, naming the
    setting to fix; python-telegram-bot's own message would print the token.
    """
    where = settings.telegram_api_base_url
    try:
        await with_retries(
            f"the Bot API server ({where})",
            app.initialize,
            settings.startup_retry_seconds,
            transient=lambda exc: isinstance(exc, NetworkError) or unreachable(exc),
        )
    except InvalidToken as exc:
        answer = exc.__cause__.message if isinstance(exc.__cause__, InvalidToken) else "refused"
        if "not found" in answer.lower():
            raise StartupFailed(
                f"the Bot API server at {where} answered 404 Not Found to getMe: "
                "check TELEGRAM_API_BASE_URL and the shape of TELEGRAM_BOT_TOKEN"
            ) from None
        raise StartupFailed(
            f"Telegram rejected TELEGRAM_BOT_TOKEN ({answer}): check the token @BotFather gave you"
        ) from None


def schedule_heartbeat(app: AnyApplication, engine: AsyncEngine, path: Path) -> None:
    """Touch the health file while the loop runs and the database answers."""

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await health.beat(engine, path)
        except Exception as exc:  # the check then reports stale; say why here
            log.warning("heartbeat skipped: %s", type(exc).__name__)

    assert app.job_queue is not None
    app.job_queue.run_repeating(tick, interval=health.BEAT_SECONDS, first=0, name="heartbeat")
