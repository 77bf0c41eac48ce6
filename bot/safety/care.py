"""Safety first: the crisis screen on free text, /help_now and /about.

The screen runs before every other text handler. On a signal it stops the
scripted flow (the text is not stored as an answer and the dialog goes idle;
/topics resumes it later), answers calmly with crisis lines for the person's
country and language, asks whether they are safe, and pauses nudges for a
day. Nothing of it reaches the partner, and the log names the categories,
never the words.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.engine import callbacks
from bot.engine.outputs import KeyButton
from bot.engine.state import DialogState
from bot.safety.crisis import CrisisResources, Resource, default_resources, resources_for
from bot.safety.screen import Detector, default_detector
from bot.storage import repo
from bot.turn import Turn

log = logging.getLogger(__name__)

SAFE = "sfe"
PAUSE_NUDGES_FOR = timedelta(days=1)
LONG_TEXT = 4096
"""Longer texts (Telegram's own limit; only a webhook or the terminal sends more) are
screened on a worker thread: the screen is linear, but 100,000 characters still take
tens of milliseconds that other people's turns should not wait for."""


class Care:
    def __init__(
        self, detector: Detector | None = None, resources: CrisisResources | None = None
    ) -> None:
        self.detector = detector or default_detector()
        self.resources = resources or default_resources()

    async def screen(self, turn: Turn, text: str) -> bool:
        if len(text) > LONG_TEXT:
            categories = await asyncio.to_thread(self.detector.check, text)
        else:
            categories = self.detector.check(text)
        if not categories:
            return False
        self.pause_nudges(turn)
        await self.stop_dialog(turn)
        # Logged once the turn is on the ORM path (pausing needs it), so once per signal.
        log.warning(
            "safety signal (%s) from user %s: scripted flow stopped, nudges paused",
            ", ".join(sorted(categories)),
            turn.user.id,
        )
        keyboard = (
            (
                KeyButton(turn.t("safety_safe_yes"), callbacks.encode(SAFE, "yes")),
                KeyButton(turn.t("safety_safe_no"), callbacks.encode(SAFE, "no")),
            ),
        )
        text = "\n\n".join([self.resource_text(turn, "safety_reply"), turn.t("safety_ask_safe")])
        turn.say(text, keyboard)
        return True

    def pause_nudges(self, turn: Turn) -> None:
        until = turn.now + PAUSE_NUDGES_FOR
        current = turn.user.nudges_paused_until
        if current is None or current < until:
            turn.user.nudges_paused_until = until
            turn.session.add(turn.user)

    async def stop_dialog(self, turn: Turn) -> None:
        """Leave the current dialog; its progress row still lets /topics resume it."""
        state, version = await repo.load_state(turn.session, turn.user.id)
        if not state.idle:
            await repo.save_state(turn.session, turn.user.id, DialogState(), version, turn.now)

    def lines(self, turn: Turn) -> tuple[Resource, ...]:
        return resources_for(turn.user, self.resources)

    def resource_text(self, turn: Turn, intro_key: str) -> str:
        lines = [turn.t(intro_key), ""]
        for resource in self.lines(turn):
            name = resource.name.get(turn.lang) or next(iter(resource.name.values()))
            lines.append(turn.t("resource_line", name=name, contact=resource.contact))
        return "\n".join(lines)

    async def safe_button(self, turn: Turn, args: tuple[str, ...]) -> None:
        if args == ("yes",):
            turn.say_key("safety_safe_reply")
        elif args == ("no",):
            emergency = " / ".join(r.contact for r in self.lines(turn) if r.emergency)
            turn.say_key("safety_unsafe_reply", emergency=emergency)
        else:
            turn.notice("unknown_button")

    async def help_now(self, turn: Turn) -> None:
        turn.say(self.resource_text(turn, "help_now_intro"))

    async def about(self, turn: Turn) -> None:
        turn.say_key("about_text")
