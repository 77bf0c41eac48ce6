"""The terminal chat runs the coach's background jobs too, like the Telegram job queue."""

from __future__ import annotations

import asyncio
import io
import time

from bot.coach import Periodic
from bot.console import Console, console_id
from bot.turn import Outbound


async def test_background_jobs_reach_the_terminal(coach):
    uid = console_id("Alex")
    runs: list[int] = []

    async def job() -> list[Outbound]:
        runs.append(1)
        return [Outbound(uid, uid, "a timed message")] if len(runs) == 1 else []

    coach.periodic.append(Periodic("test-job", 0.01, job))

    def read(prompt: str) -> str:
        time.sleep(0.3)
        raise EOFError

    out = io.StringIO()
    await Console(coach, read=read, out=out).run()
    assert "a timed message" in out.getvalue()
    count = len(runs)
    await asyncio.sleep(0.05)
    assert len(runs) == count, "jobs stop with the chat"
