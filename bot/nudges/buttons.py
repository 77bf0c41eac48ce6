"""Button payloads of the check-in feature, in one place for the sender and the handler.

`nu|<action>|<id>[|<arg>]` acts on a delivered check-in (or on what it
produced); `ns|...` is the settings menu; `np|...` is /pause.
"""

from __future__ import annotations

from bot.engine.callbacks import encode
from bot.engine.outputs import KeyButton
from bot.turn import Turn

NUDGE = "nu"
SETTINGS = "ns"
PAUSE = "np"

SCORE = "s"
ANSWER = "a"
CONTINUE = "c"
SNOOZE_HOUR = "h"
SNOOZE_TOMORROW = "t"
FEWER = "f"
SHARE_SCORE = "cs"
SHARE_ANSWER = "as"
FOLLOWUP_DID = "fd"
FOLLOWUP_FELT = "ff"
FOLLOWUP_LATER = "fl"
FOLLOWUP_DAY = "fy"
FOLLOWUP_SKIP = "fs"


def button(turn: Turn, key: str, kind: str, *args: object, **values: object) -> KeyButton:
    return KeyButton(turn.t(key, **values), encode(kind, *args))


def nudge(turn: Turn, key: str, action: str, *args: object, **values: object) -> KeyButton:
    return button(turn, key, NUDGE, action, *args, **values)
