"""Build the PTB `Application`: rate limiter, handlers, command menu, jobs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot.coach import Coach
from bot.config import Settings
from bot.delivery.gate import Gate
from bot.delivery.record import send_hooks
from bot.outbox.store import Outbox
from bot.plugins import Periodic
from bot.telegram.delivery import deliver
from bot.telegram.group_pace import GroupPace
from bot.telegram.handlers import Handlers
from bot.telegram.processor import TurnProcessor
from bot.telegram.ratelimit import GuardedRateLimiter, Lane, Limits
from bot.turn import Outbound

log = logging.getLogger(__name__)

OUTBOX_SWEEP_SECONDS = 2.0
"""How often queued messages left by a stopped process (or an outage) are looked for."""
MAX_ROUNDS = 100
"""Batches one tick of a background job may deliver before yielding to the next tick."""

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
PACE = "group_pace"
"""Where the application keeps its `GroupPace` (in `bot_data`) for the background jobs."""
GATE = "send_gate"
"""Where the application keeps the `Gate` its background jobs send through (closed at shutdown)."""


def build_application(
    settings: Settings,
    coach: Coach,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limit: bool = True,
    outbox: bool = True,
    group_pace: GroupPace | None = None,
) -> AnyApplication:
    """`outbox`: keep every turn's messages in the durable outbox (see `bot.outbox`).
    `group_pace`: each group's budget (default: the settings' per-minute budget)."""
    base = settings.telegram_api_base_url
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
    )
    limiter = GuardedRateLimiter(
        settings.telegram_messages_per_second, max_retries=3, limits=limits_of(settings)
    )
    if rate_limit:
        builder = builder.rate_limiter(limiter)
    builder = builder.concurrent_updates(TurnProcessor())
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    if outbox:
        coach.outbox = Outbox(coach.sessions, coach.clock, content=coach.content)
        coach.outbox.direct = coach.direct
    keeper = getattr(coach, "outbox", None)
    history = keeper.sent_ages if keeper is not None else None
    pace = group_pace or GroupPace(settings.telegram_group_messages_per_minute, history=history)
    app.bot_data[PACE] = pace
    gate = app.bot_data[GATE] = Gate()
    Handlers(coach, pace, gate).install(app)
    if rate_limit:
        app.add_handler(TypeHandler(Update, person_acted(limiter)), group=-2)
    return app


def limits_of(settings: Settings) -> Limits:
    return Limits(
        per_second=settings.telegram_messages_per_second,
        chat_per_second=settings.telegram_chat_messages_per_second,
        chat_burst=settings.telegram_chat_burst,
        group_per_minute=settings.telegram_group_messages_per_minute,
    )


def person_acted(limiter: GuardedRateLimiter) -> Any:
    """Every update from a chat gives that chat a person's worth of pace back (see ratelimit)."""

    async def credit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            limiter.pacer.person_acted(chat.id)

    return credit


async def on_started(app: AnyApplication, coach: Coach) -> None:
    """After `app.start()`: learn our @username, publish the command menu, start the jobs."""
    coach.bot_username = app.bot.username
    await register_commands(app, coach)
    for job in coach.periodic:
        schedule(app, coach, job)
    if coach.outbox is not None:
        schedule(app, coach, outbox_job(coach.outbox, coach.settings))


def outbox_job(outbox: Outbox, settings: Settings) -> Periodic:
    """Send what a stopped process or an outage left queued; keep our own queue's lease."""
    renew_every = max(1, int(outbox.lease.total_seconds() / 3 / OUTBOX_SWEEP_SECONDS))
    runs = 0

    async def run() -> list[Outbound]:
        nonlocal runs
        runs += 1
        if runs % renew_every == 0:
            await outbox.renew()
        return await outbox.reclaim()

    return Periodic(
        "outbox",
        OUTBOX_SWEEP_SECONDS,
        run,
        hooks=outbox,
        concurrency=settings.telegram_send_concurrency,
    )


async def register_commands(app: AnyApplication, coach: Coach) -> None:
    """Show the command menu in each language we speak (default first)."""
    content = coach.content
    for lang in content.languages:
        commands = [
            BotCommand(name, content.t(f"cmd_{name}", lang))
            for name, command in coach.commands.items()
            if command.in_menu
        ]
        code = None if lang == content.default_language else lang
        await app.bot.set_my_commands(commands, language_code=code)


def schedule(app: AnyApplication, coach: Coach, job: Periodic) -> None:
    pace = app.bot_data.get(PACE)
    gate = app.bot_data.get(GATE)

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        await drain(job, coach, context.bot, pace, gate)

    assert app.job_queue is not None, "install python-telegram-bot[job-queue]"
    app.job_queue.run_repeating(
        tick, interval=job.every_seconds, first=1, name=job.name, job_kwargs={"max_instances": 1}
    )


async def drain(
    job: Periodic,
    coach: Coach,
    bot: Any,
    pace: GroupPace | None = None,
    gate: Gate | None = None,
) -> int:
    """Run `job` and deliver what it returns, again and again while it has more.

    Each message is admitted and recorded by the record that holds it: the
    job's own (a check-in) or the outbox (what a job's turn said). Through
    `gate`, a shutdown lets the sends under way finish and starts no new one.

    The next batch is prepared while the current one is being sent, so a
    backlog drains at the sending pace rather than one batch per interval.
    Returns how many messages were delivered.
    """
    if gate is not None and gate.closing:
        return 0
    hooks = send_hooks(job.hooks, coach.outbox)
    if gate is not None:
        hooks = gate.hooks(hooks)
    outs = await job.run()
    rounds = delivered = 0
    while outs:
        rounds += 1
        more = rounds < MAX_ROUNDS and not (gate is not None and gate.closing)
        following = asyncio.ensure_future(job.run()) if more else None
        try:
            await deliver(
                bot,
                outs,
                coach.mark_unreachable,
                hooks=hooks,
                concurrency=job.concurrency,
                lane=Lane.BULK,
                pace=pace,
            )
        except BaseException:
            if following is not None:
                following.cancel()
            raise
        delivered += len(outs)
        outs = await following if following is not None else []
    return delivered
