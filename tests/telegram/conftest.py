"""The real PTB Application, wired to the real coach, talking to a fake Bot API in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.coach import Coach
from bot.config import load_settings
from bot.telegram.application import on_started
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.support.telegram_app import fake_app


@pytest.fixture
def fake() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def app(coach: Coach, fake: FakeTelegram) -> AsyncIterator[Any]:
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    application = fake_app(coach, fake, settings)
    async with application:
        await on_started(application, coach)
        yield application
