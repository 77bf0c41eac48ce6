"""The cooldown state machine: its phases, and which step is allowed from which.

Each button names the phase it was shown in, so a tap on an old message
(after the break moved on, or from a previous break) is recognised as stale
instead of yanking the person back.

    check ──done──► choose ──minutes──► notice? ──► rest ──timer/early──► ask
      │               │                                   ▲                │
      │               └──prepare now──────────────┐       └──15 more───────┤
      ▼                                            ▼                        ├──not today──► closed
    (re-show)                              topic ─► rewrite? ─► feeling ─► need ─► done ──► closed
                                              ▲                                       │
                                              └───────────────start again─────────────┘
"""

from __future__ import annotations

from datetime import timedelta

CHECK = "check"
CHOOSE = "choose"
NOTICE = "notice"
REST = "rest"
ASK = "ask"
TOPIC = "topic"
REWRITE = "rewrite"
FEELING = "feeling"
NEED = "need"
DONE = "done"

TEXT_PHASES = frozenset({TOPIC, REWRITE, FEELING, NEED})
"""Phases in which the person's next typed message belongs to the cooldown."""

SIGNS: tuple[tuple[int, str], ...] = (
    (1, "heart"),
    (2, "think"),
    (4, "win"),
    (8, "escape"),
)
"""Flooding signs of the quick check: bit and name (`cooldown_sign_<name>` in YAML)."""

BREAK_MINUTES: tuple[int, ...] = (20, 30, 60)
"""A real break: the body needs about twenty minutes to settle after flooding."""
EXTEND_MINUTES = 15

FEELINGS: tuple[str, ...] = (
    "hurt",
    "lonely",
    "worried",
    "overwhelmed",
    "frustrated",
    "sad",
    "unappreciated",
)
"""Feeling words offered by the gentle start-up builder (`cooldown_feeling_<name>`)."""

MAX_TEXT = 300
"""Longer answers are asked to be shorter: a gentle start is one sentence."""

STALE_AFTER = timedelta(hours=6)
"""An open cooldown nobody touched for this long is closed when next seen."""

# Outcomes stored when a cooldown closes.
NOT_TODAY = "not_today"
SENT = "sent"
KEPT = "kept"
LAPSED = "lapsed"
HELD = "held"


def is_flooded(signs: int) -> bool:
    """Any one sign is enough: flooding is the body's alarm, not a score."""
    return signs != 0


def toggle(signs: int, bit: int) -> int:
    return signs ^ bit if bit in {b for b, _ in SIGNS} else signs
