"""Everything a transport needs, built the same way for Telegram and the terminal."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import OffsetClock
from bot.coach import Coach
from bot.config import Settings
from bot.engine.content import Content
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.startup import with_retries
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.storage.types import utcnow

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    content: Content
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    coach: Coach


@asynccontextmanager
async def open_runtime(
    settings: Settings, clock: Callable[[], datetime] = utcnow
) -> AsyncIterator[Runtime]:
    """Validate content, migrate the database, and wire the coach.

    Content is checked before the database is touched so an invalid dialog
    set stops start-up without side effects. A database that does not answer
    yet (a container still starting) is waited for, within
    `startup_retry_seconds`.
    """
    if clock is utcnow and settings.clock_offset_file is not None:
        log.warning("rehearsal: the clock follows %s", settings.clock_offset_file)
        clock = OffsetClock(settings.clock_offset_file)
    content = load_content(settings.dialogs_dir)
    engine = create_engine(settings.database_url)
    try:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        await with_retries(
            f"the database ({where})", lambda: migrate(engine), settings.startup_retry_seconds
        )
        sessions = session_factory(engine)
        coach = Coach(content, sessions, clock, settings, features=FEATURES)
        yield Runtime(settings, content, engine, sessions, coach)
    finally:
        await engine.dispose()
