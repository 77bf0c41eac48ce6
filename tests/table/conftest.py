from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.coach import Coach
from bot.config import load_settings
from bot.engine.content import Content
from bot.features import FEATURES
from bot.storage.db import session_factory
from bot.telegram.application import build_application, on_started
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.support.clock import Clock
from tests.table.support import Seat, seat


@pytest.fixture
async def table(db_engine, content: Content, clock: Clock) -> AsyncIterator[Seat]:
    """Alex (en) and Sam (tr), linked, in a group with the bot; on SQLite and PostgreSQL."""
    coach = Coach(content, session_factory(db_engine), clock, features=FEATURES)
    yield await seat(coach)


@pytest.fixture
def fake() -> FakeTelegram:
    """The strict fake Bot API the PTB-level table tests talk to."""
    return FakeTelegram()


@pytest.fixture
async def app(coach: Coach, fake: FakeTelegram) -> AsyncIterator[Any]:
    """The real PTB Application on the wired coach, sending to `fake`."""
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    application = build_application(
        settings, coach, request=RecordingRequest(fake), rate_limit=False
    )
    async with application:
        await on_started(application, coach)
        yield application
