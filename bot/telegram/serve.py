"""Run the Telegram bot until SIGINT/SIGTERM: polling, or a webhook when configured.

Start-up waits (within `startup_retry_seconds`) for a database or a Bot API
server that does not answer yet, and otherwise fails with one line
(`StartupFailed`) that never carries the token.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import ContextTypes

from bot import health
from bot.config import Settings
from bot.runtime import open_runtime
from bot.startup import StartupFailed, unreachable, with_retries
from bot.telegram.application import AnyApplication, build_application, on_started

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> None:
    async with open_runtime(settings) as runtime:
        app = build_application(settings, runtime.coach)
        await connect(app, settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with app:
            await app.start()
            await on_started(app, runtime.coach)
            if settings.health_file is not None:
                schedule_heartbeat(app, runtime.engine, settings.health_file)
            assert app.updater is not None
            if settings.webhook_url:
                await app.updater.start_webhook(
                    listen=settings.webhook_listen,
                    port=settings.webhook_port,
                    url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                    webhook_url=settings.webhook_url,
                    secret_token=settings.webhook_secret.get_secret_value()
                    if settings.webhook_secret
                    else None,
                    allowed_updates=Update.ALL_TYPES,
                )
                log.info(
                    "Attune is listening for webhook updates on port %s", settings.webhook_port
                )
            else:
                await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
                log.info("Attune is polling for updates")
            await stop.wait()
            log.info("stopping")
            await app.updater.stop()
            await app.stop()


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
