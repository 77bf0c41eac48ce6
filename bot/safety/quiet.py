"""Quiet mode: nothing of a person's reaches their partner until they turn it off.

It is stored on the person (`users.quiet`), so every feature reads it from the
rows it already has. What it covers:

- partner notices, shared answers, gentle starts, cooldown notices: `Turn.to_partner`
  sends nothing for a quiet sender and tells them so (only "the link began/ended"
  still goes, a fact both partners share);
- shared questions and the weekly picture: for the partner, a quiet person is not
  reachable (`bot.nudges.context.reachable`), so no couple question opens and no
  score of theirs is shown; answers-together (`bot.together`) and love maps
  (`bot.lovemaps`) keep a quiet person's answers to themselves;
- check-ins worded about the couple are not sent to a quiet person.

The partner is never told: for them it looks like a partner who has paused.
A signal of abuse turns it on; the person turns it off in /settings → Safety.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.storage.models import User
from bot.turn import Turn

log = logging.getLogger(__name__)

ON, OFF = "on", "off"


@dataclass(frozen=True)
class Quiet(Payload, prefix="sfq"):
    """Turn quiet mode on or off."""

    state: Literal["on", "off"]


def is_quiet(user: User | None) -> bool:
    return user is not None and user.quiet


def turn_on(turn: Turn) -> None:
    if not turn.user.quiet:
        turn.user.quiet = True
        turn.session.add(turn.user)
        log.info("user %s: quiet mode on", turn.user.id)


def turn_off(turn: Turn) -> None:
    if turn.user.quiet:
        turn.user.quiet = False
        turn.session.add(turn.user)
        log.info("user %s: quiet mode off", turn.user.id)


def turn_on_keyboard(turn: Turn) -> Keyboard:
    return ((KeyButton(turn.t("quiet_turn_on"), Quiet(ON).pack()),),)


def toggle_keyboard(turn: Turn) -> tuple[KeyButton, ...]:
    if turn.user.quiet:
        return (KeyButton(turn.t("quiet_turn_off"), Quiet(OFF).pack()),)
    return (KeyButton(turn.t("quiet_turn_on"), Quiet(ON).pack()),)


async def quiet_button(turn: Turn, pressed: Quiet) -> None:
    if pressed.state == ON:
        turn_on(turn)
        turn.say_key("quiet_now_on")
    else:
        turn_off(turn)
        turn.say_key("quiet_now_off")
