"""Start the terminal chat on the configured database.

In a real terminal the prompt comes from prompt_toolkit, whose `patch_stdout`
lets a check-in or a timer's message print above the prompt and redraws the
prompt (with what was half typed) underneath. Ctrl-C or Ctrl-D leaves at once.
Piped input (scripts, tests) is read line by line without it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.console import Console, Read
from bot.logs import setup_logging
from bot.runtime import open_runtime

LOG_NAME = "attune.log"


async def run_console(settings: Settings) -> None:
    log_path = (settings.local_dir / LOG_NAME).resolve()
    setup_logging(settings.log_level, settings.secrets, file=log_path)
    async with open_runtime(settings) as runtime, terminal() as read:
        console = Console(
            runtime.coach, read=read, out=sys.stdout, files=settings.local_dir, log_path=log_path
        )
        await console.run()


@asynccontextmanager
async def terminal() -> AsyncIterator[Read]:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        yield _read_piped
        return
    from prompt_toolkit import PromptSession
    from prompt_toolkit.patch_stdout import patch_stdout

    session: PromptSession[str] = PromptSession()
    with patch_stdout(raw=True):
        yield session.prompt_async


async def _read_piped(prompt: str) -> str:
    line = await asyncio.to_thread(sys.stdin.readline)
    if not line:
        raise EOFError
    return line.rstrip("\n")
