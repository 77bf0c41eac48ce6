"""The terminal chat: the same coach and database, typed instead of tapped.

Buttons become numbers, `/as NAME` switches between people so one person can
try couple features alone, and messages for the other person are shown with
their name so nothing is silently dropped.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot.coach import Coach, Periodic
from bot.engine.outputs import KeyButton
from bot.sending import Outcome
from bot.turn import Outbound, Person

QUIT = {"/quit", "/exit"}


def console_id(name: str) -> int:
    """A stable negative id per name, so it can never clash with a Telegram id."""
    return -(zlib.crc32(name.strip().lower().encode()) + 1)


@dataclass
class Console:
    coach: Coach
    read: Callable[[str], str]
    out: TextIO
    lang: str = "en"
    name: str = "Alex"
    buttons: dict[int, list[KeyButton]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.names[self.person.chat_id] = self.name

    @property
    def person(self) -> Person:
        uid = console_id(self.name)
        return Person(uid, uid, self.name, self.lang)

    async def run(self) -> None:
        self.print(self.coach.content.t("console_intro", self.lang))
        await self.show(await self.coach.run_command(self.person, "start"))
        jobs = [asyncio.create_task(self.repeat(job)) for job in self.coach.periodic]
        try:
            while True:
                try:
                    line = await asyncio.to_thread(self.read, f"{self.name}> ")
                except EOFError:
                    return
                if line.strip() in QUIT:
                    return
                await self.show(await self.handle(line.strip()))
        finally:
            for job in jobs:
                job.cancel()

    async def repeat(self, job: Periodic) -> None:
        """Background jobs (check-ins, timers) run here too, so the terminal feels real.

        Jobs that record exactly-once delivery hear about each message as
        Telegram would tell them: admitted just before it is shown, sent after.
        """
        while True:
            await asyncio.sleep(job.every_seconds)
            for out in await job.run():
                if job.hooks is not None and not await job.hooks.admit(out):
                    continue
                await self.show([out])
                if job.hooks is not None:
                    await job.hooks.done(out, Outcome.SENT)

    async def handle(self, line: str) -> list[Outbound]:
        if not line:
            return []
        if line.startswith("/as "):
            self.name = line[4:].strip() or self.name
            self.print(self.coach.content.t("console_now_as", self.lang, name=self.name))
            self.names[self.person.chat_id] = self.name
            return []
        if line.isdecimal() and int(line) - 1 in range(len(self.current_buttons)):
            return await self.coach.press(self.person, self.current_buttons[int(line) - 1].data)
        if line.startswith("/"):
            head, *args = line.split()
            return await self.coach.run_command(self.person, head[1:], tuple(args))
        return await self.coach.text(self.person, line)

    @property
    def current_buttons(self) -> list[KeyButton]:
        return self.buttons.get(self.person.chat_id, [])

    async def show(self, outs: list[Outbound]) -> None:
        for out in outs:
            mine = out.chat_id == self.person.chat_id
            prefix = "" if mine else f"[for {self.names.get(out.chat_id, out.chat_id)}] "
            if out.attachment is not None:
                self.print(
                    f"{prefix}(file attached: {getattr(out.attachment, 'filename', 'image')})"
                )
            if out.text:
                self.print(prefix + out.text)
            flat = [b for row in out.keyboard for b in row]
            if flat or not out.notice:
                self.buttons[out.chat_id] = flat
                for i, button in enumerate(flat, 1):
                    self.print(f"  {prefix}[{i}] {button.label}")

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
