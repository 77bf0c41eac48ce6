"""Updates missing what a normal one has: answered or ignored, never a traceback.

Telegram (or a client, or a proxy) can send a private message without a
sender, a button press from an inline message (no `message` at all), or fail
to take the answer to a button press. Each must end quietly: no error logged,
no apology sent for a failure that did not happen to anyone.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from tests.fakes.recording_request import deliver
from tests.fakes.telegram_core import FakeTelegram

ALEX = {"id": 601, "is_bot": False, "first_name": "Alex", "language_code": "en"}


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def message(**fields: Any) -> dict[str, Any]:
    body = {"message_id": 9, "date": int(time.time()), "text": "hello"}
    return {"update_id": 70_001, "message": {**body, **fields}}


async def test_a_private_message_without_a_sender_is_ignored(app, fake, caplog) -> None:
    await deliver(app, message(chat={"id": 601, "type": "private", "first_name": "Alex"}))
    assert errors(caplog) == []
    assert fake.sent_to(601) == []


async def test_a_private_command_without_a_sender_is_ignored(app, fake, caplog) -> None:
    update = message(
        chat={"id": 601, "type": "private"},
        text="/start",
        entities=[{"type": "bot_command", "offset": 0, "length": 6}],
    )
    await deliver(app, update)
    assert errors(caplog) == []


async def test_a_message_without_a_chat_is_ignored(app, fake, caplog) -> None:
    await deliver(app, message(**{"from": ALEX}))
    assert errors(caplog) == []
    assert fake.sent_to(601) == []


async def test_a_press_on_an_inline_message_is_answered_and_nothing_else(
    app, fake: FakeTelegram, caplog
) -> None:
    update = {
        "update_id": 70_002,
        "callback_query": {
            "id": "4242",
            "from": ALEX,
            "chat_instance": "77",
            "inline_message_id": "AAAA",
            "data": "t|redefining",
        },
    }
    before = fake.mark()
    await deliver(app, update)
    assert errors(caplog) == []
    assert [c.method for c in fake.calls[before:]] == ["answerCallbackQuery"]


async def test_a_failed_answer_to_a_press_in_a_group_is_no_incident(
    app, fake: FakeTelegram, caplog
) -> None:
    fake.fail_next(
        "answerCallbackQuery",
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    update = {
        "update_id": 70_003,
        "callback_query": {
            "id": "4243",
            "from": ALEX,
            "chat_instance": "78",
            "message": {
                "message_id": 3,
                "date": int(time.time()),
                "chat": {"id": -100_601, "type": "group", "title": "Us"},
                "text": "an old message",
            },
            "data": "t|redefining",
        },
    }
    caplog.set_level(logging.DEBUG, "bot.telegram.delivery")
    await deliver(app, update)
    assert errors(caplog) == []
    assert fake.sent_to(-100_601) == [], "no apology for a failure nobody saw"
    noted = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.delivery"]
    assert any(m.startswith("could not answer callback query: ") for m in noted), noted
