"""Cooldown button payloads: `cd|<action>|<cooldown id>|<arg>`, well under 64 bytes.

The cooldown id ties a button to one break, so a tap on a message from an
earlier break is recognised as stale.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.cooldown import store
from bot.cooldown.models import Cooldown
from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.turn import Turn

# -- buttons that start or soothe, tied to no break ------------------------------------


@dataclass(frozen=True)
class Start(Payload, prefix="cd|start"):
    """The "I need a break" button, which this feature adds to the /topics menu."""


@dataclass(frozen=True)
class Breathe(Payload, prefix="cd|breathe"):
    """Paced breathing, for the person on a break or a partner told of one."""


@dataclass(frozen=True)
class Ground(Payload, prefix="cd|ground"):
    """One grounding step; the first button carries no step (it is step 1)."""

    step: int | None = None


@dataclass(frozen=True)
class Resume(Payload, prefix="cd|resume"):
    """Back to the conversation the break interrupted."""


# -- the steps of one break: each names the break, so an old one is stale -------------


@dataclass(frozen=True)
class Sign(Payload, prefix="cd|sign"):
    cooldown: int
    sign: int
    """The bit of the flooding sign toggled."""


@dataclass(frozen=True)
class Checked(Payload, prefix="cd|checked"):
    cooldown: int


@dataclass(frozen=True)
class Minutes(Payload, prefix="cd|min"):
    cooldown: int
    minutes: int


@dataclass(frozen=True)
class PrepareNow(Payload, prefix="cd|prep"):
    cooldown: int


@dataclass(frozen=True)
class SendNotice(Payload, prefix="cd|send"):
    cooldown: int
    variant: str | None = None
    """The notice shown ("p" plain, "t" both on a break), so a changed one is shown again."""


@dataclass(frozen=True)
class SkipNotice(Payload, prefix="cd|skip"):
    cooldown: int


@dataclass(frozen=True)
class EndEarly(Payload, prefix="cd|early"):
    cooldown: int


@dataclass(frozen=True)
class Ready(Payload, prefix="cd|ready"):
    cooldown: int


@dataclass(frozen=True)
class More(Payload, prefix="cd|more"):
    cooldown: int


@dataclass(frozen=True)
class NotToday(Payload, prefix="cd|notoday"):
    cooldown: int


@dataclass(frozen=True)
class UseRewrite(Payload, prefix="cd|use"):
    cooldown: int


@dataclass(frozen=True)
class KeepMine(Payload, prefix="cd|keep"):
    cooldown: int


@dataclass(frozen=True)
class Feel(Payload, prefix="cd|feel"):
    cooldown: int
    feeling: int
    """An index into `phases.FEELINGS`."""


@dataclass(frozen=True)
class ShareStatement(Payload, prefix="cd|share"):
    cooldown: int


@dataclass(frozen=True)
class KeepStatement(Payload, prefix="cd|mine"):
    cooldown: int


@dataclass(frozen=True)
class Again(Payload, prefix="cd|again"):
    cooldown: int


@dataclass(frozen=True)
class Land(Payload, prefix="cd|land"):
    cooldown: int


# -- the partner's answers: they name the partner's break -------------------------------


@dataclass(frozen=True)
class Acknowledge(Payload, prefix="cd|ack"):
    cooldown: int


@dataclass(frozen=True)
class Heard(Payload, prefix="cd|heard"):
    cooldown: int


@dataclass(frozen=True)
class Moment(Payload, prefix="cd|moment"):
    cooldown: int


START = Start().pack()


def button(label: str, payload: Payload) -> KeyButton:
    return KeyButton(label, payload.pack())


def for_partner(turn: Turn, rows: list[list[tuple[str, Payload]]]) -> Keyboard:
    """A keyboard labelled in the partner's language: rows of (string key, payload)."""
    lang = turn.partner.lang if turn.partner is not None else turn.lang
    return tuple(
        tuple(KeyButton(turn.content.t(key, lang), payload.pack()) for key, payload in row)
        for row in rows
    )


async def at_step(turn: Turn, cooldown_id: int, allowed: Collection[str]) -> Cooldown | None:
    """The open break a button belongs to; a "stale" note when the break moved on."""
    cd = await store.for_button(turn.session, turn.user, cooldown_id, allowed, turn.now)
    if cd is None:
        turn.notice("stale_button")
    return cd
