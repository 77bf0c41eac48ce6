"""Calming exercises for whoever needs them: the person on a break, or a
partner who was told of one. Breathing cues arrive as timed messages (the
timers table), grounding goes step by step on the person's own pace."""

from __future__ import annotations

from datetime import timedelta

from bot import waiting
from bot.cooldown import buttons as b
from bot.cooldown import screens, store, timers
from bot.cooldown.buttons import button
from bot.cooldown.exercises import BREATH_ROUNDS, GROUNDING_STEPS, breathing_plan
from bot.cooldown.models import CooldownTimer
from bot.storage.models import WaitingInput
from bot.turn import Turn

BREATH_GRACE = timers.USEFUL_FOR[timers.BREATH]
"""A cue later than this (the bot was down) is skipped: stale pacing helps no one. A cue
fired in time but held up in the outbox (an outage) expires there after the same grace."""
GROUND = "ground"
"""The `bot.waiting` key of a grounding step: someone may type what they notice."""
GROUND_WAIT = timedelta(minutes=15)


async def breathe(turn: Turn, pressed: b.Breathe) -> None:
    """Start paced breathing: the first cue now, the others on the clock."""
    await timers.cancel(turn.session, user_id=turn.user.id, kind=timers.BREATH)
    plan = breathing_plan()
    turn.say_key("cooldown_breath_intro")
    _cue(turn, 0)
    for step, cue in enumerate(plan[1:], start=1):
        due = turn.now + timedelta(seconds=cue.after)
        await timers.schedule(turn.session, turn.user.id, timers.BREATH, due, step=step)


def _cue(turn: Turn, step: int) -> None:
    cue = breathing_plan()[step]
    turn.say_key(cue.key, round=cue.round, rounds=BREATH_ROUNDS)


async def on_breath_timer(turn: Turn, timer: CooldownTimer) -> None:
    plan = breathing_plan()
    if turn.now - timer.due_at > BREATH_GRACE or not 0 <= timer.step < len(plan):
        return
    cue = plan[timer.step]
    keyboard = await screens.after_exercise(turn) if timer.step == len(plan) - 1 else ()
    turn.say_key(cue.key, keyboard, round=cue.round, rounds=BREATH_ROUNDS)


async def ground(turn: Turn, pressed: b.Ground) -> None:
    """One grounding step per tap (five things you see … one you taste), then a close."""
    step = 1 if pressed.step is None else pressed.step
    if not 1 <= step <= GROUNDING_STEPS + 1:
        turn.notice("unknown_button")
        return
    await _ground_step(turn, step)


async def _ground_step(turn: Turn, step: int) -> None:
    """Show grounding step `step` (or the close after the last) and, while a step is
    on screen, take typed words as the person's noticing rather than a stray message."""
    if step == GROUNDING_STEPS + 1:
        if (asked := await waiting.current(turn, store.FEATURE)) and asked.key == GROUND:
            await waiting.done(turn, store.FEATURE)
        turn.say_key("cooldown_ground_done", await screens.after_exercise(turn))
        return
    if step == 1:
        turn.say_key("cooldown_ground_intro")
    last = step == GROUNDING_STEPS
    label = turn.t("cooldown_ground_finish" if last else "cooldown_ground_next")
    turn.say_key(f"cooldown_ground_{step}", ((button(label, b.Ground(step + 1)),),))
    await waiting.ask(turn, store.FEATURE, GROUND, ref=step, expires_in=GROUND_WAIT)


async def ground_typed(turn: Turn, text: str, question: WaitingInput) -> bool:
    """Words typed at a grounding step ("a lamp, the window…"): heard kindly, not kept
    (the words are in no table), and the exercise goes on to the next sense."""
    step = int(question.ref) if question.ref and question.ref.isdigit() else None
    if step is None or not 1 <= step <= GROUNDING_STEPS:
        await waiting.done(turn, store.FEATURE)
        return False
    turn.say_key("cooldown_ground_heard")
    await _ground_step(turn, step + 1)
    return True
