"""Start-up failures of the real process: one redacted line and a non-zero exit.

Whatever stops start-up — a token Telegram rejects, a wrong server URL, a Bot
API server or database that never answers — the person starting the bot reads
one line naming the cause, never the token or the database password, and the
supervisor sees a failure exit code. What is merely not there *yet* is waited
for (with backoff) before giving up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.e2e.harness import running_bot
from tests.e2e.test_webhook import free_port
from tests.fakes.telegram_core import DEFAULT_TOKEN
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e

OTHER_TOKEN = "123456:" + "B" * 35
DB_PASSWORD = "pw-Secret-4711"


def start_bot(tmp_path: Path, **env: str) -> tuple[int, list[str]]:
    """Run `python -m bot run` to its end; returns the exit code and every output line."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    clean.update(
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}",
        LOG_LEVEL="INFO",
        STARTUP_RETRY_SECONDS="1",
    )
    clean.update(env)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


def assert_secret_free(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert DEFAULT_TOKEN not in text
    assert DEFAULT_TOKEN.split(":")[1] not in text
    assert DB_PASSWORD not in text


def test_a_rejected_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    with FakeBotApiServer(token=OTHER_TOKEN) as server:
        code, lines = start_bot(tmp_path, TELEGRAM_API_BASE_URL=server.base_url)
    assert code == 1
    assert len(lines) == 1, lines
    assert "Telegram rejected TELEGRAM_BOT_TOKEN (Unauthorized)" in lines[0]
    assert_secret_free(lines)


def test_a_wrong_server_path_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    with FakeBotApiServer() as server:
        code, lines = start_bot(tmp_path, TELEGRAM_API_BASE_URL=f"{server.base_url}/elsewhere")
    assert code == 1
    assert len(lines) == 1, lines
    assert "404 Not Found" in lines[0] and "TELEGRAM_API_BASE_URL" in lines[0]
    assert_secret_free(lines)


def test_a_base_url_ending_in_bot_is_the_server_itself(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    alex = server.core.user(711, "Alex")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(
        server, url, tmp_path / "bot.log", TELEGRAM_API_BASE_URL=f"{server.base_url}/bot/"
    ) as bot:
        alex.send_command("/start")
        alex.wait_for_reply("Attune")
        assert bot.stop() == 0


def test_an_unreachable_bot_api_is_retried_then_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    code, lines = start_bot(tmp_path, TELEGRAM_API_BASE_URL=closed)
    assert code == 1
    assert len(lines) == 2, lines
    assert "is unreachable" in lines[0] and "trying again for up to 1 s" in lines[0]
    assert "Attune could not start" in lines[1] and "gave up after" in lines[1]
    assert_secret_free(lines)


def test_a_bot_api_that_comes_up_late_is_waited_for(tmp_path: Path) -> None:
    port = free_port()
    late = FakeBotApiServer(port=port)
    env = dict(os.environ, STARTUP_RETRY_SECONDS="30")
    clean = {k: v for k, v in env.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    clean.update(
        TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}",
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=PROJECT_ROOT,
            env=clean,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "is unreachable" not in log_path.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.05)
        with late:
            late.core.wait_for(lambda c: c.method == "getUpdates", timeout=30)
            alex = late.core.user(712, "Alex")
            alex.send_command("/start")
            alex.wait_for_reply("Attune")
            process.terminate()
            assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert_secret_free(log_path.read_text().splitlines())


def test_an_unreachable_database_is_retried_then_one_line(tmp_path: Path) -> None:
    database = f"postgresql+asyncpg://attune:{DB_PASSWORD}@127.0.0.1:{free_port()}/attune"
    with FakeBotApiServer() as server:
        code, lines = start_bot(
            tmp_path, TELEGRAM_API_BASE_URL=server.base_url, DATABASE_URL=database
        )
        assert server.core.calls == []  # the database comes first
    assert code == 1
    assert len(lines) == 2, lines
    assert "the database (postgresql+asyncpg://attune:***@" in lines[0]
    assert "Attune could not start" in lines[1] and "ConnectionRefusedError" in lines[1]
    assert_secret_free(lines)


def test_any_other_start_up_failure_is_one_line_too(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with FakeBotApiServer() as server:
        code, lines = start_bot(
            tmp_path,
            TELEGRAM_API_BASE_URL=server.base_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{blocker / 'attune.db'}",
        )
    assert code == 1
    assert len(lines) == 1, lines
    assert "Attune stopped: " in lines[0]
    assert_secret_free(lines)
