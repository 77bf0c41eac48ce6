"""In-memory and HTTP test doubles for the Telegram Bot API.

``FakeTelegram`` is the model; ``RecordingRequest`` runs a PTB Application against it in-process;
``FakeBotApiServer`` serves it over real HTTP for a bot running in another process.
"""

from tests.fakes.recording_request import RecordingRequest, deliver, make_update
from tests.fakes.simulated import SimGroup, SimUser
from tests.fakes.telegram_core import (
    BOT_ID,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    BotApiError,
    Call,
    FakeTelegram,
    InboxMessage,
    StoredFile,
    UploadedFile,
    tiny_png,
)
from tests.fakes.telegram_server import FakeBotApiServer

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "BotApiError",
    "Call",
    "FakeBotApiServer",
    "FakeTelegram",
    "InboxMessage",
    "RecordingRequest",
    "SimGroup",
    "SimUser",
    "StoredFile",
    "UploadedFile",
    "deliver",
    "make_update",
    "tiny_png",
]
