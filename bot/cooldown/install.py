"""The cooldown feature: /cooldown, its buttons, the text it waits for, the timer sweep."""

from __future__ import annotations

from sqlalchemy import exists

from bot.cooldown import buttons as b
from bot.cooldown import calming, notices, repair, timers
from bot.cooldown.buttons import START
from bot.cooldown.data import HOSTILITY
from bot.cooldown.flow import Flow
from bot.cooldown.models import Cooldown
from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.plugins import (
    PERSON_ID,
    ButtonHandler,
    Command,
    Feature,
    FeatureContext,
    Periodic,
    Screen,
    TopicsPart,
    reads,
)
from bot.turn import Turn


@reads(HOSTILITY)
def feature(context: FeatureContext) -> Feature:
    repairing = repair.Repair(context.data(HOSTILITY))
    flow = Flow(repairing)
    buttons: dict[type[Payload], ButtonHandler] = {
        b.Start: flow.start_button,
        b.Sign: flow.sign,
        b.Checked: flow.checked,
        b.Minutes: flow.minutes,
        b.PrepareNow: flow.prepare_now,
        b.SendNotice: notices.send,
        b.SkipNotice: notices.skip,
        b.EndEarly: flow.end_early,
        b.Ready: flow.ready,
        b.More: flow.more,
        b.NotToday: flow.not_today,
        b.UseRewrite: repair.use_rewrite,
        b.KeepMine: repair.keep_mine,
        b.Feel: repairing.feel,
        b.ShareStatement: repairing.share,
        b.KeepStatement: repair.keep_statement,
        b.Again: repair.again,
        b.Acknowledge: notices.acknowledge,
        b.Heard: notices.heard,
        b.Moment: notices.moment,
        b.Land: repair.land,
        b.Breathe: calming.breathe,
        b.Ground: calming.ground,
        b.Resume: flow.resume,
    }

    cooldowns = Cooldown.__table__.c
    in_break = exists().where(cooldowns.user_id == PERSON_ID, cooldowns.closed_at.is_(None))
    sweep = timers.Sweep(
        context.jobs, {timers.RETURN: flow.on_return_timer, timers.BREATH: calming.on_breath_timer}
    )
    return Feature(
        "cooldown",
        commands={"cooldown": Command(flow.start)},
        buttons=buttons,
        typed=flow.typed,
        screens=(Screen(flow.screen, pending=in_break),),
        topics=need_a_break,
        periodic=(Periodic("cooldown-timers", timers.SWEEP_SECONDS, sweep),),
    )


async def need_a_break(turn: Turn) -> TopicsPart:
    """Every /topics menu ends with a way into a calm break."""
    return TopicsPart(last=((KeyButton(turn.t("menu_need_a_break"), START),),))
