"""Run the real `python -m bot` process against a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.engine.content import Content
from bot.storage.db import create_engine, session_factory
from tests.fakes.simulated import SimUser
from tests.fakes.telegram_core import DEFAULT_TOKEN
from tests.fakes.telegram_server import FakeBotApiServer
from tests.support.people import link_rows

START_TIMEOUT = 90.0
"""Generous: on a busy two-core machine the bot's start (imports, the sentence encoder's
weights, migrations) took over 30 s while idle it takes a few. How fast it starts is
measured by `farm-bench`, not here; this only waits for it."""


@dataclass
class BotProcess:
    """One running bot; `stop()` is a clean SIGTERM, `kill()` a SIGKILL crash."""

    server: FakeBotApiServer
    database_url: str
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
            TELEGRAM_API_BASE_URL=self.server.base_url,
            DATABASE_URL=self.database_url,
            LOG_LEVEL="DEBUG",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def start(self, *, wait: bool = True) -> float:
        """Start the process; returns seconds until its first getUpdates."""
        mark = self.server.core.mark()
        began = time.monotonic()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=PROJECT_ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if wait:
            self.wait_until_polling(mark)
        return time.monotonic() - began

    def wait_until_polling(self, mark: int) -> None:
        """A long poll is only recorded when it returns, so also watch pending polls."""
        core = self.server.core
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if core.waiting_pollers() > 0 or any(
                c.method == "getUpdates" for c in core.calls[mark:]
            ):
                return
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.process.returncode}:\n{self.log}")
            time.sleep(0.01)
        raise TimeoutError(f"the bot did not start polling:\n{self.log}")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_bot(
    server: FakeBotApiServer, database_url: str, log_path: Path, **env: str
) -> Iterator[BotProcess]:
    bot = BotProcess(server, database_url, log_path, dict(env))
    bot.start()
    try:
        yield bot
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.kill()


def in_database(url: str, work) -> None:  # type: ignore[no-untyped-def]
    """Change the database from outside, as an operator or a second process would."""

    async def run() -> None:
        engine = create_engine(url)
        try:
            await work(session_factory(engine))
        finally:
            await engine.dispose()

    asyncio.run(run())


def start_as_a_couple(url: str, alex: SimUser, sam: SimUser) -> None:
    """Both say /start to the running bot; then they are made a couple in its database."""
    for person in (alex, sam):
        person.send_command("/start")
        person.wait_for_reply("Let's get to know")
    in_database(url, lambda sessions: link_rows(sessions, alex.id, sam.id))


def take_a_break(person: SimUser, partner: str, content: Content, *, tell_partner: bool) -> None:
    """`person` walks /cooldown to a twenty-minute break: the body check (one sign, then
    done), flooded, 20 minutes, the notice to `partner` sent or skipped, the rest."""
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    person.send_command("/cooldown")
    person.wait_for_reply(en("cooldown_check"))
    person.press(en("cooldown_sign_off", sign=en("cooldown_sign_heart")))
    person.wait_for_reply(en("cooldown_check"))
    person.press(en("cooldown_check_done"))
    person.wait_for_reply(en("cooldown_flooded"))
    person.press(en("cooldown_minutes", minutes=20))
    person.wait_for_reply(f"Would you like me to let {partner} know?")
    person.press(en("cooldown_notice_send" if tell_partner else "cooldown_notice_skip"))
    person.wait_for_reply(en("cooldown_rest", when="in about 20 minutes"))
