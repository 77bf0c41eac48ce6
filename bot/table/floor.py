"""The floor of a Talk Table as a pure state machine: who may do what, and what follows.

The speaker–listener technique: one partner holds the floor and speaks; when
they have said it, the other says back what they heard; the speaker answers
"Yes, that's it" (the floor passes) or "Not quite" (they say it again). Either
partner may pause or stop at any time. `move` knows nothing of Telegram, the
database or the clock (time comes in with the move), so every rule is tested
directly; the store applies its result with a compare-and-set on `version`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

READY = "ready"
"""Both partners are present; waiting for /talk."""
TOPIC = "topic"
"""/talk was sent: choosing what to talk about."""
SPEAK = "speak"
REFLECT = "reflect"
CONFIRM = "confirm"
PAUSED = "paused"
CLOSING = "closing"
"""Each partner writes privately "one thing I understood"; revealed together."""
ENDED = "ended"
REFUSED = "refused"
"""The group is not exactly the couple and the bot: said once, then quiet."""

LIVE = frozenset({TOPIC, SPEAK, REFLECT, CONFIRM, PAUSED})
"""A talk is going on (a pause included)."""
PAUSE_MINUTES = (20, 30, 60)
DEFAULT_ROUNDS = 3

# moves
TALK, CHOSE, SAID, HEARD, YES, NOT_QUITE, PAUSE, RESUME, STOP, CLOSED = (
    "talk",
    "chose",
    "said",
    "heard",
    "yes",
    "notquite",
    "pause",
    "resume",
    "stop",
    "closed",
)


@dataclass(frozen=True)
class Floor:
    """The table's state as the rules see it."""

    phase: str
    version: int = 0
    speaker: int | None = None
    listener: int | None = None
    turns: int = 0
    """Floor turns completed ("Yes, that's it" pressed)."""
    rounds: int = DEFAULT_ROUNDS
    """The talk closes after this many rounds (each partner held the floor once)."""
    resume_phase: str | None = None
    paused_until: datetime | None = None
    paused_by: int | None = None

    @property
    def round(self) -> int:
        """The round being talked, from 1."""
        return self.turns // 2 + 1


@dataclass(frozen=True)
class Refused:
    """The move is not this person's to make now; `reason` names the short toast."""

    reason: str


NOT_YOUR_TURN = "table_not_your_turn"
NOT_NOW = "table_not_now"


def move(
    floor: Floor,
    kind: str,
    actor: int,
    partner: int,
    now: datetime,
    *,
    minutes: int = 0,
) -> Floor | Refused:
    """The floor after `actor` (whose partner is `partner`) makes move `kind`.

    A move that does not fit the phase, or is the other partner's to make, is
    Refused and changes nothing. Every accepted move raises the version by one.
    """
    result = _decide(floor, kind, actor, partner, now, minutes)
    if isinstance(result, Refused):
        return result
    return replace(result, version=floor.version + 1)


def _decide(
    floor: Floor, kind: str, actor: int, partner: int, now: datetime, minutes: int
) -> Floor | Refused:
    phase = floor.phase
    if kind == TALK:
        if phase in (READY, ENDED):
            return replace(floor, phase=TOPIC, speaker=actor, listener=partner, turns=0)
        return Refused(NOT_NOW)
    if kind == STOP:
        if phase in LIVE:
            return replace(floor, phase=CLOSING, resume_phase=None, paused_until=None)
        return Refused(NOT_NOW)
    if kind == PAUSE:
        if phase not in (TOPIC, SPEAK, REFLECT, CONFIRM) or minutes not in PAUSE_MINUTES:
            return Refused(NOT_NOW)
        until = now + timedelta(minutes=minutes)
        return replace(floor, phase=PAUSED, resume_phase=phase, paused_until=until, paused_by=actor)
    if kind == RESUME:
        if phase != PAUSED or floor.resume_phase is None:
            return Refused(NOT_NOW)
        return replace(
            floor, phase=floor.resume_phase, resume_phase=None, paused_until=None, paused_by=None
        )
    if kind == CLOSED:
        return replace(floor, phase=ENDED) if phase == CLOSING else Refused(NOT_NOW)
    return _on_the_floor(floor, kind, actor)


def _on_the_floor(floor: Floor, kind: str, actor: int) -> Floor | Refused:
    """The moves of the talk itself, each belonging to the speaker or the listener."""
    wanted = {
        CHOSE: (TOPIC, floor.speaker),
        SAID: (SPEAK, floor.speaker),
        HEARD: (REFLECT, floor.listener),
        YES: (CONFIRM, floor.speaker),
        NOT_QUITE: (CONFIRM, floor.speaker),
    }.get(kind)
    if wanted is None:
        return Refused(NOT_NOW)
    phase, whose = wanted
    if floor.phase != phase:
        return Refused(NOT_NOW)
    if actor != whose and kind != CHOSE:
        return Refused(NOT_YOUR_TURN)
    if kind == CHOSE:
        return replace(floor, phase=SPEAK)
    if kind == SAID:
        return replace(floor, phase=REFLECT)
    if kind == HEARD:
        return replace(floor, phase=CONFIRM)
    if kind == NOT_QUITE:
        return replace(floor, phase=SPEAK)
    turns = floor.turns + 1
    if turns >= 2 * floor.rounds:
        return replace(floor, phase=CLOSING, turns=turns)
    return replace(floor, phase=SPEAK, turns=turns, speaker=floor.listener, listener=floor.speaker)
