"""Plug the cooldown into the coach: command, buttons, text screen, timer sweep."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import exists

from bot.coach import PERSON_ID, Coach, Periodic, Screen
from bot.cooldown import calming, notices, repair, timers
from bot.cooldown.buttons import KIND
from bot.cooldown.flow import Flow
from bot.cooldown.models import Cooldown
from bot.turn import Turn

ButtonAction = Callable[[Turn, tuple[str, ...]], Awaitable[None]]


def install(coach: Coach) -> None:
    flow = Flow(coach)
    actions: dict[str, ButtonAction] = {
        "start": flow.start_button,
        "sign": flow.sign,
        "checked": flow.checked,
        "min": flow.minutes,
        "prep": flow.prepare_now,
        "send": notices.send,
        "skip": notices.skip,
        "early": flow.end_early,
        "ready": flow.ready,
        "more": flow.more,
        "notoday": flow.not_today,
        "use": repair.use_rewrite,
        "keep": repair.keep_mine,
        "feel": repair.feel,
        "share": repair.share,
        "mine": repair.keep_statement,
        "again": repair.again,
        "ack": notices.acknowledge,
        "heard": notices.heard,
        "moment": notices.moment,
        "land": repair.land,
        "breathe": calming.breathe,
        "ground": calming.ground,
        "resume": flow.resume,
    }

    async def on_button(turn: Turn, args: tuple[str, ...]) -> None:
        action = actions.get(args[0]) if args else None
        if action is None:
            turn.notice("unknown_button")
            return
        await action(turn, args[1:])

    coach.command("cooldown")(flow.start)
    coach.button(KIND)(on_button)
    # after the screens already there (the safety screen first), before the dialogs
    cooldowns = Cooldown.__table__.c
    in_break = exists().where(cooldowns.user_id == PERSON_ID, cooldowns.closed_at.is_(None))
    coach.text_screens.append(Screen(flow.screen, pending=in_break))
    sweep = timers.Sweep(
        coach, {timers.RETURN: flow.on_return_timer, timers.BREATH: calming.on_breath_timer}
    )
    coach.periodic.append(Periodic("cooldown-timers", timers.SWEEP_SECONDS, sweep))
