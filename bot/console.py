"""The terminal chat: the same coach and database, typed instead of tapped.

Buttons become numbers, `/as NAME` switches between people so one person can
try couple features alone, and messages for the other person are shown with
their name so nothing is silently dropped. Files the bot would send (/mydata)
are written into a known folder and their path is printed.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.coach import Coach
from bot.engine.outputs import KeyButton
from bot.plugins import Periodic
from bot.sending import Outcome
from bot.storage.models import User
from bot.turn import Document, Outbound, Person

QUIT = {"/quit", "/exit"}

Read = Callable[[str], Awaitable[str]]
"""Asks for one line; raises EOFError or KeyboardInterrupt when the person leaves."""


def console_id(name: str) -> int:
    """A stable negative id per name, so it can never clash with a Telegram id."""
    return -(zlib.crc32(name.strip().lower().encode()) + 1)


@dataclass
class Console:
    coach: Coach
    read: Read
    out: TextIO
    files: Path = Path("local")
    """Where attachments (the /mydata file, pictures) are written."""
    lang: str = "en"
    name: str = "Alex"
    log_path: Path | None = None
    """Shown once at start: log lines go there, never into the chat."""
    buttons: dict[int, list[KeyButton]] = field(default_factory=dict)
    """Per chat, the buttons of the last message that has them."""
    shown: dict[int, str] = field(default_factory=dict)
    """Per chat, the text of that message, so an edit prints only what changed."""
    names: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.names[self.person.chat_id] = self.name

    @property
    def person(self) -> Person:
        uid = console_id(self.name)
        return Person(uid, uid, self.name, self.lang)

    def t(self, key: str, **values: object) -> str:
        return self.coach.content.t(key, self.lang, **values)

    async def run(self) -> None:
        self.print(self.t("console_intro"))
        if self.log_path is not None:
            self.print(self.t("console_log_path", path=self.log_path))
        await self.greet()
        jobs = [asyncio.create_task(self.repeat(job)) for job in self.coach.periodic]
        try:
            while True:
                try:
                    line = await self.read(f"{self.name}> ")
                except (EOFError, KeyboardInterrupt):
                    return
                if line.strip() in QUIT:
                    return
                await self.show(await self.handle(line.strip()))
        finally:
            for job in jobs:
                job.cancel()

    async def greet(self) -> None:
        """The full welcome only for someone new; a returning person is told who they are."""
        async with self.coach.sessions() as session:
            known = await session.get(User, self.person.user_id) is not None
        if known:
            self.print(self.t("console_welcome_back", name=self.name))
        else:
            await self.show(await self.coach.run_command(self.person, "start"))

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
        if line == "/as" or line.startswith("/as "):
            self.switch(line[3:].strip())
            return []
        if line.isdecimal() and self.current_buttons:
            count = len(self.current_buttons)
            if not 1 <= int(line) <= count:
                self.print(self.t("console_pick_range", last=count))
                return []
            return await self.coach.press(self.person, self.current_buttons[int(line) - 1].data)
        if line.startswith("/"):
            head, *args = line.split()
            return await self.coach.run_command(self.person, head[1:], tuple(args))
        return await self.coach.text(self.person, line)

    def switch(self, name: str) -> None:
        if not name:
            self.print(self.t("console_as_help", name=self.name))
            return
        self.name = name
        self.names[self.person.chat_id] = self.name
        self.print(self.t("console_now_as", name=self.name))

    @property
    def current_buttons(self) -> list[KeyButton]:
        return self.buttons.get(self.person.chat_id, [])

    async def show(self, outs: list[Outbound]) -> None:
        for out in outs:
            mine = out.chat_id == self.person.chat_id
            prefix = "" if mine else f"[for {self.names.get(out.chat_id, out.chat_id)}] "
            if out.attachment is not None:
                self.print(prefix + self.t("console_file_saved", path=self.save(out)))
            text = self.changed_part(out)
            if text:
                self.print(prefix + text)
            flat = [b for row in out.keyboard for b in row]
            if flat:
                self.buttons[out.chat_id] = flat
                self.shown[out.chat_id] = out.text
                for i, button in enumerate(flat, 1):
                    self.print(f"  {prefix}[{i}] {button.label}")
            elif out.replace:
                # The pressed message lost its buttons: numbers no longer press them.
                self.buttons.pop(out.chat_id, None)
                self.shown.pop(out.chat_id, None)

    def changed_part(self, out: Outbound) -> str:
        """For an edit of the message shown before, only what it added (the ✓ choice)."""
        before = self.shown.get(out.chat_id)
        if out.append:
            return out.text
        if out.replace and before and out.text.startswith(before):
            return out.text[len(before) :].strip()
        return out.text

    def save(self, out: Outbound) -> Path:
        """Write an attachment where the person can open it; returns its path."""
        attachment = out.attachment
        assert attachment is not None
        filename = attachment.filename if isinstance(attachment, Document) else "picture.png"
        owner = re.sub(r"[^A-Za-z0-9_-]+", "-", self.names.get(out.chat_id, "someone")).lower()
        path = self.files / f"{owner}-{Path(filename).name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(attachment.content)
        return path.resolve()

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()
