"""Which conversations to suggest first, and why: a pure function of what we were told.

Signals, each private to the person it came from:
- the relationship check: a low answer (1 = rarely … 4 = almost always) for a
  section makes that section's conversation more needed;
- the welcome: what the person would most like help with (a focus), and how
  the relationship feels right now (a mood);
- exercises they tried: one that felt hard, or did not happen, makes its
  conversation worth another look; one that went well lets it rest;
- progress: a conversation already started comes back; finished ones step aside
  (unless their exercise felt hard or did not happen: then they are worth another look).

Each signal adds weight to some conversations; the heaviest come first, ties
in the usual /topics order. The reason shown is the signal that weighed most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SCALE = (1, 2, 3, 4)
"""Check answers: 1 rarely, 2 sometimes, 3 often, 4 almost always."""

FOCUS: Mapping[str, tuple[str, ...]] = {
    "closer": ("redefining", "fragile"),
    "conflict": ("calming", "communication", "safety"),
    "time": ("pressure", "stability"),
    "change": ("transitions", "relearning"),
    "touch": ("physical", "chemistry"),
}
"""What the welcome asks ("what would you most like help with?") -> the conversations for it."""
MOODS: Mapping[str, tuple[str, ...]] = {
    "close": ("stability", "chemistry"),
    "distant": ("redefining", "fragile"),
    "unsure": ("redefining",),
}
FOCUS_WEIGHT = 0.6
MOOD_WEIGHT = 0.2
STARTED_WEIGHT = 0.3
EXERCISE_HARD_WEIGHT = 0.4
EXERCISE_WELL_WEIGHT = -0.5
HARD = 2
"""An exercise that felt this hard (1-5), or did not happen (0), brings its conversation back."""
LAST = "closing"
"""The wrap-up conversation: suggested only once everything else is done."""
SHOWN = 3


@dataclass(frozen=True)
class Signals:
    check: Mapping[str, int] = field(default_factory=dict)
    """Section -> the latest check's answer (1-4)."""
    focus: str | None = None
    mood: str | None = None
    started: frozenset[str] = frozenset()
    done: frozenset[str] = frozenset()
    exercises: Mapping[str, int] = field(default_factory=dict)
    """Section -> how its latest tried exercise felt (1-5), 0 when it did not happen."""


@dataclass(frozen=True)
class Suggestion:
    topic: str
    reason: str
    """An interface-string key: the one-line why."""
    weight: float


def suggest(topics: Sequence[str], signals: Signals, shown: int = SHOWN) -> list[Suggestion]:
    """Up to `shown` conversations to suggest first, most needed first, each with its reason."""
    again = {t for t, felt in signals.exercises.items() if felt <= HARD}
    open_topics = [t for t in topics if (t not in signals.done or t in again) and t != LAST]
    if not open_topics:
        open_topics = [t for t in topics if t not in signals.done]
    ranked = sorted(
        (_weigh(topic, signals) for topic in open_topics),
        key=lambda s: (-s.weight, topics.index(s.topic)),
    )
    return ranked[:shown]


def _weigh(topic: str, signals: Signals) -> Suggestion:
    reasons: list[tuple[float, str]] = []
    if topic in signals.check:
        need = (SCALE[-1] - signals.check[topic]) / (SCALE[-1] - SCALE[0])
        reasons.append((need, f"path_why_check_{topic}" if need > 0 else ""))
    if signals.focus is not None and topic in FOCUS.get(signals.focus, ()):
        reasons.append((FOCUS_WEIGHT, f"path_why_focus_{signals.focus}"))
    if signals.mood is not None and topic in MOODS.get(signals.mood, ()):
        reasons.append((MOOD_WEIGHT, f"path_why_mood_{signals.mood}"))
    if topic in signals.started:
        reasons.append((STARTED_WEIGHT, "path_why_started"))
    if topic in signals.exercises:
        felt = signals.exercises[topic]
        if felt <= HARD:
            reasons.append((EXERCISE_HARD_WEIGHT, "path_why_exercise_hard"))
        elif felt >= 4:
            reasons.append((EXERCISE_WELL_WEIGHT, ""))
    weight = sum(w for w, _ in reasons)
    helpful = [(w, r) for w, r in reasons if w > 0 and r]
    reason = max(helpful, key=lambda r: r[0])[1] if helpful else "path_why_next"
    return Suggestion(topic, reason, round(weight, 3))
