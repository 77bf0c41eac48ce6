"""In-memory and HTTP test doubles for the Telegram Bot API.

``FakeTelegram`` is the model (``telegram_core`` assembles it from one module per concern:
``chats``, ``messages``, ``callbacks``, ``updates``, ``webhooks``, ``files``, ``profile``,
``flood``, ``call_log``), as strict as Telegram unless a test opts out; ``RecordingRequest``
runs a PTB Application against it in-process; ``FakeBotApiServer`` serves it over real HTTP
for a bot running in another process.
"""

from tests.fakes.files import tiny_png
from tests.fakes.flood import FloodLimits
from tests.fakes.protocol import BOT_ID, BOT_USERNAME, DEFAULT_TOKEN, BotApiError
from tests.fakes.recording_request import RecordingRequest, deliver, make_update
from tests.fakes.records import Call, InboxMessage, StoredFile, UploadedFile
from tests.fakes.simulated import SimGroup, SimUser
from tests.fakes.telegram_core import FakeTelegram
from tests.fakes.telegram_server import FakeBotApiServer

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "BotApiError",
    "Call",
    "FakeBotApiServer",
    "FakeTelegram",
    "FloodLimits",
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
