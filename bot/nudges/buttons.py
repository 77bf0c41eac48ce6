"""Button payloads of the check-in feature, in one place for the sender and the handler.

`nu|<action>|<id>[|<arg>]` acts on a delivered check-in (or on what it
produced); `ns|...` is the settings menu; `np|...` is /pause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.turn import Turn


def button(turn: Turn, key: str, payload: Payload, **values: object) -> KeyButton:
    return KeyButton(turn.t(key, **values), payload.pack())


# -- on a delivered check-in: `nu|<action>|<delivery id>[|<arg>]` ------------------------


@dataclass(frozen=True)
class OnDelivery:
    """A button under one delivered check-in (or the follow-up it carried)."""

    delivery: int


@dataclass(frozen=True)
class Score(OnDelivery, Payload, prefix="nu|s"):
    score: int


@dataclass(frozen=True)
class AnswerNow(OnDelivery, Payload, prefix="nu|a"):
    pass


@dataclass(frozen=True)
class ContinueNow(OnDelivery, Payload, prefix="nu|c"):
    pass


@dataclass(frozen=True)
class SnoozeHour(OnDelivery, Payload, prefix="nu|h"):
    pass


@dataclass(frozen=True)
class SnoozeTomorrow(OnDelivery, Payload, prefix="nu|t"):
    pass


@dataclass(frozen=True)
class Fewer(OnDelivery, Payload, prefix="nu|f"):
    pass


@dataclass(frozen=True)
class FollowupDid(OnDelivery, Payload, prefix="nu|fd"):
    pass


@dataclass(frozen=True)
class FollowupFelt(OnDelivery, Payload, prefix="nu|ff"):
    feeling: int


@dataclass(frozen=True)
class FollowupLater(OnDelivery, Payload, prefix="nu|fl"):
    pass


@dataclass(frozen=True)
class FollowupDay(OnDelivery, Payload, prefix="nu|fy"):
    days: int


@dataclass(frozen=True)
class FollowupSkip(OnDelivery, Payload, prefix="nu|fs"):
    pass


# -- sharing what a check-in produced: the row's id, and yes or no -----------------------


@dataclass(frozen=True)
class ShareScore(Payload, prefix="nu|cs"):
    checkin: int
    yes: bool


@dataclass(frozen=True)
class ShareAnswer(Payload, prefix="nu|as"):
    answer: int
    yes: bool


# -- the check-ins section of /settings: `ns|...` ------------------------------------------


@dataclass(frozen=True)
class Overview(Payload, prefix="ns|o"):
    pass


@dataclass(frozen=True)
class DaysMenu(Payload, prefix="ns|d"):
    pass


@dataclass(frozen=True)
class ToggleDay(Payload, prefix="ns|dt"):
    day: int


@dataclass(frozen=True)
class TimeMenu(Payload, prefix="ns|t"):
    pass


@dataclass(frozen=True)
class SetTime(Payload, prefix="ns|ts"):
    minute: int
    """Minutes after midnight."""


@dataclass(frozen=True)
class TimezoneMenu(Payload, prefix="ns|z"):
    pass


@dataclass(frozen=True)
class SetCity(Payload, prefix="ns|zc"):
    city: int
    """An index into the known cities."""


@dataclass(frozen=True)
class QuietMenu(Payload, prefix="ns|q"):
    pass


@dataclass(frozen=True)
class SetQuiet(Payload, prefix="ns|qs"):
    start: int
    end: int


@dataclass(frozen=True)
class QuietOff(Payload, prefix="ns|qs|off"):
    pass


@dataclass(frozen=True)
class Summary(Payload, prefix="ns|s"):
    on: bool


# -- /pause ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause(Payload, prefix="np"):
    length: Literal["d", "w", "r"]
    """A day, a week, or until /resume."""
