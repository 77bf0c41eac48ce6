"""Inline-button payloads: compact, parseable, and never trusted.

Telegram limits callback data to 64 bytes, so payloads carry ids, not text.
Anything that does not parse is reported as forged rather than raising.
"""

from __future__ import annotations

from dataclasses import dataclass

SEP = "|"
MAX_BYTES = 64


@dataclass(frozen=True)
class Callback:
    kind: str
    args: tuple[str, ...]


def encode(kind: str, *args: object) -> str:
    return SEP.join([kind, *(str(a) for a in args)])


def decode(data: str | None) -> Callback | None:
    """Parse button data; None for anything malformed."""
    if not data or len(data.encode()) > MAX_BYTES or not data.isascii():
        return None  # everything we send is ASCII; anything else was not sent by us
    kind, *args = data.split(SEP)
    if not kind or any(a == "" for a in args):
        return None
    return Callback(kind, tuple(args))


NODE, SHARE, TOPIC, MENU = "n", "s", "t", "m"
"""The kinds of the engine's own buttons, handled by `bot.conversations`."""


def nav(dialog: str, node: str, index: int) -> str:
    return encode(NODE, dialog, node, index)


def share(dialog: str, node: str, yes: bool) -> str:
    return encode(SHARE, dialog, node, int(yes))


def topic(dialog: str) -> str:
    return encode(TOPIC, dialog)


TOPICS_MENU = encode(MENU, "topics")
