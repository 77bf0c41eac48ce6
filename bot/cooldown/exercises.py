"""The calming exercises as data: paced breathing cues and grounding steps.

Breathing out for longer than in slows the heart; a few rounds are enough to
take the edge off. Grounding (what you can see, touch, hear...) gives the
mind something other than the argument to hold on to.
"""

from __future__ import annotations

from dataclasses import dataclass

BREATHE_IN_SECONDS = 4
BREATHE_OUT_SECONDS = 6
BREATH_ROUNDS = 4

GROUNDING_STEPS = 5
"""`cooldown_ground_1` … `cooldown_ground_5`: five things to see, down to one to taste."""


@dataclass(frozen=True)
class Cue:
    """One timed breathing message, `after` seconds from the start."""

    after: int
    key: str
    round: int


def breathing_plan(
    rounds: int = BREATH_ROUNDS,
    inhale: int = BREATHE_IN_SECONDS,
    exhale: int = BREATHE_OUT_SECONDS,
) -> tuple[Cue, ...]:
    """In, out, in, out … then a closing message when the last breath is out."""
    cues: list[Cue] = []
    for n in range(rounds):
        start = n * (inhale + exhale)
        cues.append(Cue(start, "cooldown_breath_in", n + 1))
        cues.append(Cue(start + inhale, "cooldown_breath_out", n + 1))
    cues.append(Cue(rounds * (inhale + exhale), "cooldown_breath_done", rounds))
    return tuple(cues)
