"""Simulated people: each one taps or types, waits to be answered, thinks, and goes on.

A person is a task on the harness's event loop talking to a `FarTelegram`
the way a phone would: their update becomes available to the bot (which
polls for it), and they are answered when the first message or edit reaches
their chat. That span is the reply latency. What they do next depends on
what the bot showed them, so any dialog can be walked: the first button of
the newest message that has buttons, or a typed answer when the bot asked a
question and offered no buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from tests.bench.load.telegram import FarTelegram
from tests.fakes.simulated import SimUser

ANSWER = "We keep missing each other in the evenings"
QUIET = 0.3
"""Seconds without a new message before a person reads the screen (a reply may be several)."""
FIRST_ID = 500_000


@dataclass
class Step:
    person: int
    kind: str
    sent: float
    """Monotonic time the update became available to the bot."""
    answered: float | None = None
    gave_up: bool = False
    """No answer within the person's patience: they stopped talking (the answer may come later)."""

    @property
    def latency(self) -> float | None:
        return None if self.answered is None else self.answered - self.sent


@dataclass(frozen=True)
class Pace:
    """How a crowd behaves: think time range, and when each person stops."""

    think: tuple[float, float]
    steps: int | None = None
    """Steps per person, or None to keep going until `duration` (or the crowd's `stop`)."""
    duration: float | None = None
    """Seconds after the start after which nobody takes a new step."""
    patience: float = 30.0
    """Seconds a person waits for an answer; then they give up and take no more steps, but
    the bench keeps watching their chat as long again: an answer by then is late, not lost."""
    ramp: float = 0.0
    """People join evenly over this many seconds (a gentle start)."""


@dataclass
class Crowd:
    """The people talking to one bot; the same seed gives every bot the same crowd."""

    fake: FarTelegram
    size: int
    pace: Pace
    seed: int = 1
    first_id: int = FIRST_ID
    stop: asyncio.Event | None = None
    """Set to make everyone stop taking new steps (e.g. when a check-in wave is over)."""
    steps: list[Step] = field(default_factory=list)
    began: float = 0.0
    _events: dict[int, asyncio.Event] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None

    @property
    def ids(self) -> Sequence[int]:
        return range(self.first_id, self.first_id + self.size)

    async def run(self) -> list[Step]:
        """Everyone talks until done; returns every step taken."""
        self._loop = asyncio.get_running_loop()
        self._events = {i: asyncio.Event() for i in self.ids}
        self.fake.listeners.append(self._heard)
        self.began = time.monotonic()
        try:
            await asyncio.gather(*(self._person(n, i, self.began) for n, i in enumerate(self.ids)))
        finally:
            self.fake.listeners.remove(self._heard)
        return self.steps

    def reconcile(self) -> int:
        """Late answers to people who gave up (they took no step after); returns how many.

        Call once the bot has gone quiet: what reached such a person's chat after
        their last step answers that step, however late.
        """
        found = 0
        for step in self.steps:
            if step.answered is None:
                later = [at for at in self.fake.outputs(step.person) if at >= step.sent]
                if later:
                    step.answered, found = later[0], found + 1
        return found

    def _heard(self, chat_id: int, _at: float) -> None:
        """From the server's threads: wake the person of that chat, if it is one of ours."""
        event = self._events.get(chat_id)
        if event is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(event.set)

    async def _person(self, n: int, user_id: int, began: float) -> None:
        rng = random.Random(self.seed * 1_000_003 + n)
        pace = self.pace
        user = self.fake.user(user_id, f"P{n}")
        await asyncio.sleep(pace.ramp * n / max(self.size, 1))
        taken = 0
        while pace.steps is None or taken < pace.steps:
            await asyncio.sleep(rng.uniform(*pace.think))  # nobody arrives in lockstep
            if taken:
                await self._settle(user_id)
            if pace.duration is not None and time.monotonic() - began >= pace.duration:
                break
            if self.stop is not None and self.stop.is_set():
                break
            seen = self.fake.output_count(user_id)
            sent = time.monotonic()
            step = Step(user_id, self._act(user, first=taken == 0), sent)
            self.steps.append(step)
            taken += 1
            step.answered = await self._answer(user_id, seen, pace.patience)
            if step.answered is None:
                step.gave_up = True
                step.answered = await self._answer(user_id, seen, pace.patience)
                return

    @staticmethod
    def _act(user: SimUser, *, first: bool) -> str:
        """Do what the screen invites: /start first, then press or type; returns which."""
        if first:
            user.send_command("/start")
            return "start"
        latest = user.last_message()
        if latest is not None and latest.button_texts:
            user.press(latest.button_texts[0])
            return "press"
        user.send_text(ANSWER)
        return "text"

    async def _answer(self, user_id: int, seen: int, patience: float) -> float | None:
        """When the first message after the `seen` ones reached the chat (None: never came)."""
        event = self._events[user_id]
        deadline = time.monotonic() + patience
        while True:
            event.clear()
            outputs = self.fake.outputs(user_id)
            if len(outputs) > seen:
                return outputs[seen]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _settle(self, user_id: int, limit: float = 10.0) -> None:
        """Wait until the chat has been quiet for a moment, so the whole reply is on screen."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            outputs = self.fake.outputs(user_id)
            quiet_for = time.monotonic() - outputs[-1] if outputs else QUIET
            if quiet_for >= QUIET:
                return
            await asyncio.sleep(QUIET - quiet_for)
