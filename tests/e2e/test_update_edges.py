"""The real process at the update edge: kinds it asks for, updates it cannot read,
and a Bot API that stops taking the token while the bot runs.

- Attune asks Telegram only for the update kinds it handles, so a kind it does
  not know (a poll answer, say) never reaches it at all.
- An update python-telegram-bot cannot read is skipped and counted; its words
  never reach the log, polling does not spin, and everyone else is answered.
- A 401 or 404 on getUpdates (the token was revoked, the server moved) stops the
  process with a failure exit code and one line, so a supervisor restarts it:
  never half-alive, sending check-ins while deaf to everyone.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.telegram.handlers import UPDATE_KINDS
from tests.e2e.harness import BotProcess, running_bot
from tests.fakes.telegram_core import DEFAULT_TOKEN
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e

WORDS = "I think I want to die some days"


def database(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"


def test_telegram_is_asked_only_for_the_kinds_attune_handles(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    fake = server.core
    with running_bot(server, database(tmp_path), tmp_path / "bot.log") as bot:
        alex = fake.user(961, "Alex")
        alex.send_command("/help")
        alex.wait_for_reply()
        polls = fake.calls_to("getUpdates")
        assert polls and all(
            sorted(c.params["allowed_updates"]) == sorted(UPDATE_KINDS) for c in polls
        )
        assert "poll_answer" not in UPDATE_KINDS
        fake.push_update({"poll_answer": {"poll_id": "p1", "user": {"id": 961}}})
        assert fake.pending_updates() == [], "Telegram keeps kinds nobody asked for"
        assert bot.stop() == 0


def test_an_update_that_cannot_be_read_is_skipped_without_its_words(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    fake = server.core
    alex, sam = fake.user(962, "Alex"), fake.user(963, "Sam")
    with running_bot(server, database(tmp_path), tmp_path / "bot.log") as bot:
        alex.send_command("/help")
        alex.wait_for_reply()
        polls_before = len(fake.calls_to("getUpdates"))
        poison = {  # a private message without its date: PTB cannot read it
            "message": {
                "message_id": 5,
                "chat": {"id": sam.id, "type": "private", "first_name": "Sam"},
                "from": {"id": sam.id, "is_bot": False, "first_name": "Sam"},
                "text": WORDS,
            }
        }
        fake.push_update(poison)
        alex.send_command("/topics")
        alex.wait_for_reply("Pick a conversation")
        time.sleep(2)  # room for a tight loop to show itself
        polls = len(fake.calls_to("getUpdates")) - polls_before
        assert bot.stop() == 0
    log = bot.log
    assert WORDS not in log
    assert "could not be read" in log
    assert polls < 10, f"{polls} getUpdates calls: polling must not spin on the update"
    assert len(log.splitlines()) < 40


@pytest.mark.parametrize(("code", "description"), [(401, "Unauthorized"), (404, "Not Found")])
def test_a_token_refused_while_polling_stops_the_process_with_a_failure(
    server: FakeBotApiServer, tmp_path: Path, code: int, description: str
) -> None:
    fake = server.core
    alex = fake.user(964, "Alex")
    bot = BotProcess(server, database(tmp_path), tmp_path / "bot.log", {"LOG_LEVEL": "INFO"})
    bot.start()
    try:
        fake.fail_next("getUpdates", code, description, times=1000)
        alex.send_command("/help")  # ends the current long poll; the next one is refused
        assert bot.process is not None
        assert bot.process.wait(timeout=30) == 1
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()
    lines = bot.log.splitlines()
    assert DEFAULT_TOKEN not in bot.log and DEFAULT_TOKEN.split(":")[1] not in bot.log
    refusals = [line for line in lines if "refused the bot token" in line]
    assert len(refusals) == 1, lines
    assert not any("Traceback" in line for line in lines)
