"""Cooldown button payloads: `cd|<action>|<cooldown id>|<arg>`, well under 64 bytes.

The cooldown id ties a button to one break, so a tap on a message from an
earlier break is recognised as stale.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.cooldown import store
from bot.cooldown.models import Cooldown
from bot.engine import callbacks
from bot.engine.outputs import Keyboard, KeyButton
from bot.turn import Turn

KIND = "cd"
START = callbacks.encode(KIND, "start")
"""The "I need a break" button, which this feature adds to the /topics menu."""


def data(action: str, *args: object) -> str:
    return callbacks.encode(KIND, action, *args)


def button(label: str, action: str, *args: object) -> KeyButton:
    return KeyButton(label, data(action, *args))


def for_partner(turn: Turn, rows: list[list[tuple[str, str]]]) -> Keyboard:
    """A keyboard labelled in the partner's language: rows of (string key, payload)."""
    lang = turn.partner.lang if turn.partner is not None else turn.lang
    return tuple(
        tuple(KeyButton(turn.content.t(key, lang), payload) for key, payload in row) for row in rows
    )


async def at_step(turn: Turn, args: tuple[str, ...], allowed: Collection[str]) -> Cooldown | None:
    """The open break a button belongs to; a "stale" note when the break moved on."""
    if not args:
        turn.notice("unknown_button")
        return None
    cd = await store.for_button(turn.session, turn.user, args[0], allowed, turn.now)
    if cd is None:
        turn.notice("stale_button")
    return cd
