"""The real bot process, end to end: walk, crash, restart, resume; no token in the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import running_bot
from tests.fakes.telegram_core import DEFAULT_TOKEN
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e


def test_welcome_walk_survives_a_crash_and_resumes(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    fake = server.core
    alex = fake.user(701, "Alex")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        alex.send_command("/start")
        alex.wait_for_reply("Let's get to know")
        alex.press("Sounds good")
        alex.wait_for_reply("What made you look")
        alex.send_text("We keep missing each other")
        alex.wait_for_reply("how does your relationship feel")
        bot.kill()  # a crash in the middle of the dialog

        bot.start()
        alex.press("A bit distant lately")  # the button from before the crash still works
        alex.wait_for_reply("What would you most like help with", timeout=30)  # a cold start
        alex.press("Gentler disagreements")
        alex.wait_for_reply("a short check")
        alex.press("Maybe later")
        alex.wait_for_reply("Suggested for you")
        assert "✨ Feeling safe with each other" in alex.inbox()[-1].button_texts
        alex.send_command("/topics")
        alex.wait_for_reply("Pick a conversation")
        assert bot.stop() == 0
    assert DEFAULT_TOKEN not in bot.log
    assert DEFAULT_TOKEN.split(":")[1] not in bot.log


def test_a_wrong_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from bot.config import PROJECT_ROOT

    env = dict(os.environ, DATABASE_URL="mysql://nope", TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Invalid setting DATABASE_URL: must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
    ]
    assert DEFAULT_TOKEN not in done.stderr + done.stdout


def test_the_running_bot_keeps_a_heartbeat_for_the_health_check(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    import time

    from tests.test_main import run

    beat = tmp_path / "alive"
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log", HEALTH_FILE=str(beat)) as bot:
        deadline = time.monotonic() + 20
        while not beat.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run("health", HEALTH_FILE=str(beat)).returncode == 0
        assert bot.stop() == 0


def test_a_token_that_reaches_a_log_line_is_scrubbed_from_it(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    """A proxy that echoes the request URL in its refusal puts the token in the
    bot's own warning; the redaction filter on the log handler takes it out."""
    fake = server.core
    alex = fake.user(702, "Alex")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    echoed = f"Bad Request: proxy refused POST /bot{DEFAULT_TOKEN}/sendMessage"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        fake.fail_next("sendMessage", 400, echoed)
        alex.send_command("/help")
        alex.send_command("/help")
        alex.wait_for_reply()
        assert bot.stop() == 0
    refusals = [line for line in bot.log.splitlines() if "Telegram refused a message" in line]
    assert refusals, "the refusal is logged"
    # PTB lower-cases the description, so only the token's shape can still be recognised
    assert all("/bot[redacted]/sendmessage" in line.lower() for line in refusals), refusals
    assert DEFAULT_TOKEN.split(":")[1].lower() not in bot.log.lower()
