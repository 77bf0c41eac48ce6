"""The real PTB Application and its coach, talking to a fake Bot API in-process:
one way to build it, for every test that goes through Telegram's side."""

from __future__ import annotations

from typing import Any

from bot.coach import Coach
from bot.config import Settings
from bot.telegram.application import build_application
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram


def fake_app(coach: Coach, fake: FakeTelegram, settings: Settings | None = None) -> Any:
    """The application for `coach`, every request answered by `fake`. Not paced: a test
    that simulates hours of tries does not wait real seconds for Telegram's limits."""
    return build_application(
        settings or Settings(telegram_bot_token=DEFAULT_TOKEN),
        coach,
        request=RecordingRequest(fake),
        get_updates_request=RecordingRequest(fake),
        rate_limit=False,
    )
