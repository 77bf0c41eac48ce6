"""Run the Telegram bot until SIGINT/SIGTERM: polling, or a webhook when configured.

Updates travel: Telegram -> (poller | webhook) -> the inbox table -> the inbox
worker -> PTB's handlers -> the coach. Telegram is told an update arrived only
after it is stored, and a stored update is handled exactly once, in each
person's order, even across a crash (see `bot.inbox`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken

from bot.config import Settings
from bot.inbox.store import Inbox
from bot.inbox.worker import InboxWorker
from bot.runtime import open_runtime
from bot.storage.db import is_sqlite
from bot.telegram.application import build_application, on_started
from bot.telegram.polling import poll
from bot.telegram.processor import dispatcher
from bot.telegram.webhook import webhook_server

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> int:
    """Returns the process's exit code."""
    async with open_runtime(settings) as runtime:
        app = build_application(settings, runtime.coach)
        inbox = Inbox(runtime.sessions, runtime.coach.clock)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with app:
            await app.start()
            await on_started(app, runtime.coach)
            if is_sqlite(settings.database_url):
                await inbox.forget_lanes()  # one process per SQLite file: old lanes are a crash's
            worker = InboxWorker(inbox, dispatcher(app))
            await worker.start()
            worker.wake()  # whatever a crash left behind
            try:
                if settings.webhook_url:
                    code = await _webhook(app, settings, inbox, worker, stop)
                else:
                    code = await _polling(app, inbox, worker, stop)
            finally:
                log.info("stopping")
                await worker.stop()
                await app.stop()
        return code


async def _polling(app: Any, inbox: Inbox, worker: InboxWorker, stop: asyncio.Event) -> int:
    await app.bot.delete_webhook()
    poller = asyncio.create_task(
        poll(app.bot, inbox, worker.wake, allowed_updates=Update.ALL_TYPES, stop=stop)
    )
    log.info("Attune is polling for updates")
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({poller, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not poller.done():
        poller.cancel()
    try:
        await poller
    except asyncio.CancelledError:
        return 0
    except InvalidToken:
        log.error("Telegram refused the bot token (or the API address is wrong); stopping")
        return 1
    return 0


async def _webhook(
    app: Any, settings: Settings, inbox: Inbox, worker: InboxWorker, stop: asyncio.Event
) -> int:
    assert settings.webhook_url is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None

    async def receive(update: dict[str, Any]) -> None:
        await inbox.receive([update])
        worker.wake()

    server = webhook_server(urlparse(settings.webhook_url).path, receive, secret)
    server.listen(settings.webhook_port, address=settings.webhook_listen)
    try:
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("Attune is listening for webhook updates on port %s", settings.webhook_port)
        await stop.wait()
    finally:
        server.stop()
        await server.close_all_connections()
    return 0
