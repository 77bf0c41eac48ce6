"""The bots under test, each a real process with its own far-away Telegram.

`attune` is the real `python -m bot run`; `anchor` is the bare PTB bot of
`anchor.py`; `attune_orm_only` is Attune with its SQLite fast path switched off
(`orm_only.py`), for deciding whether that path pays. Every bot gets its own
`FarTelegram` behind its own HTTP server, so their flood limits are their own.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bot.config import PROJECT_ROOT
from tests.bench.load.telegram import FarTelegram
from tests.e2e.harness import BotProcess
from tests.fakes.telegram_core import DEFAULT_TOKEN
from tests.fakes.telegram_server import FakeBotApiServer

START_TIMEOUT = 60.0


class MemoryWatch(threading.Thread):
    """Samples a process's resident memory twice a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            try:
                self.samples.append((time.monotonic(), self.process.memory_info().rss))
            except psutil.Error:
                return

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)

    def cpu_seconds(self) -> float:
        """User and system CPU the process has used so far."""
        try:
            times = self.process.cpu_times()
        except psutil.Error:
            return 0.0
        return float(times.user + times.system)


@dataclass
class Bot:
    """One bot under test: its name, its Telegram, its process, its memory."""

    name: str
    fake: FarTelegram
    server: FakeBotApiServer
    process: subprocess.Popen[bytes]
    log_path: Path
    memory: MemoryWatch = field(init=False)

    def __post_init__(self) -> None:
        self.memory = MemoryWatch(self.process.pid)
        self.memory.start()

    def stop(self) -> None:
        self.memory.stopped.set()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _wait_until_polling(fake: FarTelegram, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if fake.waiting_pollers() > 0:
            return
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited with {process.returncode}:\n{log.read_text()}")
        time.sleep(0.02)
    raise TimeoutError(f"the bot did not start polling:\n{log.read_text()}")


def start_attune(
    stack: ExitStack,
    name: str,
    fake: FarTelegram,
    database_url: str,
    workdir: Path,
    env: dict[str, str] | None = None,
    *,
    module: str = "bot",
    root: Path = PROJECT_ROOT,
) -> Bot:
    """The real Attune process.

    `module` lets a bench variant wrap it; `root` runs the code of another
    checkout (an older commit, to compare before and after side by side).
    """
    server = stack.enter_context(FakeBotApiServer(fake))
    log_path = workdir / f"{name}.log"
    settings = {"LOG_LEVEL": "INFO", **(env or {})}
    harness = BotProcess(server, database_url, log_path, settings)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module, "run"],
            cwd=root,
            env=harness.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    bot = Bot(name, fake, server, process, log_path)
    stack.callback(bot.stop)
    _wait_until_polling(fake, process, log_path)
    return bot


def start_anchor(stack: ExitStack, fake: FarTelegram, workdir: Path) -> Bot:
    """The bare PTB bot with concurrent updates."""
    server = stack.enter_context(FakeBotApiServer(fake))
    log_path = workdir / "anchor.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.load.anchor", server.base_url, DEFAULT_TOKEN],
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    bot = Bot("anchor", fake, server, process, log_path)
    stack.callback(bot.stop)
    _wait_until_polling(fake, process, log_path)
    return bot
