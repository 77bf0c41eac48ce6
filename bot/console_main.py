"""Start the terminal chat on the configured database."""

from __future__ import annotations

import sys

from bot.config import Settings
from bot.console import Console
from bot.runtime import open_runtime


async def run_console(settings: Settings) -> None:
    async with open_runtime(settings) as runtime:
        console = Console(runtime.coach, read=input, out=sys.stdout)
        await console.run()
