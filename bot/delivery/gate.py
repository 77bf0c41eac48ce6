"""A graceful shutdown lets sends under way finish and starts no new one.

Stopping the application cancels its running jobs. A send cancelled after
its admission began (the row is, or is becoming, `sending`) can never be
repeated: on restart it is `unknown`. So before the jobs are cancelled the
gate closes: a message not yet admitted is refused (it stays `claimed` and
waits for the next process, as after a crash before the send), and the
sends already admitted get a short grace period to reach their outcome.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.sending import Outcome
from bot.turn import Outbound

log = logging.getLogger(__name__)


class Gate:
    """Counts the sends under way; `close` refuses new ones and waits for the rest."""

    def __init__(self) -> None:
        self.closing = False
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def hooks(self, inner: Any) -> GatedHooks | None:
        """`inner` (a record's `SendHooks`, or None) behind this gate."""
        return GatedHooks(self, inner) if inner is not None else None

    def _enter(self) -> bool:
        if self.closing:
            return False
        self.in_flight += 1
        self._idle.clear()
        return True

    def _leave(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        if self.in_flight == 0:
            self._idle.set()

    async def close(self, grace: float) -> int:
        """No new send starts; wait up to `grace` seconds for those under way.
        Returns how many were still under way when the grace ran out."""
        self.closing = True
        if self.in_flight:
            log.info("waiting up to %.0f s for %d sends under way", grace, self.in_flight)
            try:
                await asyncio.wait_for(self._idle.wait(), grace)
            except TimeoutError:
                log.warning("%d sends were still under way at shutdown", self.in_flight)
        return self.in_flight


class GatedHooks:
    """A record's hooks that count admitted sends until their outcome, and refuse
    to admit once the gate is closing (the message stays claimed, for later)."""

    def __init__(self, gate: Gate, inner: Any) -> None:
        self.gate = gate
        self.inner = inner

    async def admit(self, out: Outbound) -> bool:
        if not self.gate._enter():
            return False
        try:
            admitted = bool(await self.inner.admit(out))
        except BaseException:
            self.gate._leave()
            raise
        if not admitted:
            self.gate._leave()
        return admitted

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        try:
            await self.inner.done(out, outcome)
        finally:
            if outcome is not Outcome.CANCELLED:
                self.gate._leave()
