"""The cooldown feature: /cooldown, its buttons, the text it waits for, the timer sweep."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import exists

from bot.cooldown import calming, notices, repair, timers
from bot.cooldown.buttons import KIND, START
from bot.cooldown.flow import Flow
from bot.cooldown.models import Cooldown
from bot.engine.outputs import KeyButton
from bot.plugins import PERSON_ID, Command, Feature, FeatureContext, Periodic, Screen, TopicsPart
from bot.turn import Turn

ButtonAction = Callable[[Turn, tuple[str, ...]], Awaitable[None]]


def feature(context: FeatureContext) -> Feature:
    flow = Flow()
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

    cooldowns = Cooldown.__table__.c
    in_break = exists().where(cooldowns.user_id == PERSON_ID, cooldowns.closed_at.is_(None))
    sweep = timers.Sweep(
        context.jobs, {timers.RETURN: flow.on_return_timer, timers.BREATH: calming.on_breath_timer}
    )
    return Feature(
        "cooldown",
        commands={"cooldown": Command(flow.start)},
        buttons={KIND: on_button},
        screens=(Screen(flow.screen, pending=in_break),),
        topics=need_a_break,
        periodic=(Periodic("cooldown-timers", timers.SWEEP_SECONDS, sweep),),
    )


async def need_a_break(turn: Turn) -> TopicsPart:
    """Every /topics menu ends with a way into a calm break."""
    return TopicsPart(last=((KeyButton(turn.t("menu_need_a_break"), START),),))
