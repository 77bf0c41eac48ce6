"""Foundation benchmarks: one engine step, whole-stack throughput, start-up time.

Throughput is measured side by side in one run: the full Attune stack
(Application -> coach -> engine -> SQLite -> recorded reply) against a bare
PTB echo bot on the same in-process fake Bot API, so the machine's noise
affects both alike and the ratio is what counts.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.coach import Coach
from bot.engine.events import Choose
from bot.engine.loader import load_content
from bot.engine.state import DialogState
from bot.engine.step import step
from bot.features import install_all
from bot.settings import PROJECT_ROOT, load_settings
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.telegram.application import build_application
from tests.e2e.harness import BotProcess
from tests.fakes.recording_request import RecordingRequest, make_update
from tests.fakes.telegram_core import DEFAULT_TOKEN, Call, FakeTelegram
from tests.fakes.telegram_server import FakeBotApiServer

USERS = 150
STEPS = 20_000
STARTS = 3


def engine_step() -> None:
    content = load_content(PROJECT_ROOT / "dialogs")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    state = DialogState("welcome", "mood")
    event = Choose(dialog="welcome", node="mood", index=1, at=at, lang="en")
    samples = []
    for _ in range(STEPS):
        began = time.perf_counter_ns()
        step(content, state, event)
        samples.append(time.perf_counter_ns() - began)
    samples.sort()
    median = samples[len(samples) // 2] / 1000
    p99 = samples[int(len(samples) * 0.99)] / 1000
    print(f"engine step: median {median:.1f} µs, p99 {p99:.1f} µs ({STEPS} steps)")


async def timed_update(app: Any, fake: FakeTelegram, data: dict[str, Any]) -> float:
    """Seconds the Application takes to process one update (taken off the poll queue)."""
    fake.consume_update(data["update_id"])
    update = make_update(data, app.bot)
    began = time.perf_counter()
    await app.process_update(update)
    return time.perf_counter() - began


async def drive(
    app: Any, fake: FakeTelegram, users: list[Any], replies: list[list[Call]] | None = None
) -> tuple[int, float]:
    """Run the conversation script; returns (updates processed, seconds).

    `replies`, if given, collects the Bot API calls each update caused.
    """
    count, spent = 0, 0.0

    async def feed(data: dict[str, Any]) -> None:
        nonlocal count, spent
        before = len(fake.calls)
        spent += await timed_update(app, fake, data)
        count += 1
        if replies is not None:
            replies.append(fake.calls[before:])

    for user in users:
        await feed(user.send_command("/start"))
    for user in users:
        await feed(user.press(user.inbox()[-1].button_texts[0]))
    for user in users:
        await feed(user.send_text("We keep missing each other in the evenings"))
    for user in users:
        await feed(user.press(user.inbox()[-1].button_texts[0]))
    return count, spent


async def attune_app(fake: FakeTelegram, db: Path) -> tuple[Any, Any]:
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    await migrate(engine)
    coach = install_all(Coach(load_content(PROJECT_ROOT / "dialogs"), session_factory(engine)))
    request = RecordingRequest(fake)
    app = build_application(
        settings, coach, request=request, get_updates_request=request, rate_limit=False
    )
    return app, engine


def echo_app(fake: FakeTelegram) -> Any:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query:
            await update.callback_query.answer()
            await update.callback_query.edit_message_text("echo")
        elif update.effective_message:
            await update.effective_message.reply_text(update.effective_message.text or "echo")

    request = RecordingRequest(fake)
    app = (
        ApplicationBuilder()
        .token(DEFAULT_TOKEN)
        .request(request)
        .get_updates_request(request)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(echo))
    return app


def replay_app(fake: FakeTelegram, replies: deque[list[Call]]) -> Any:
    """A bare PTB bot that answers each update with the Bot API calls Attune made for it.

    Same texts, keyboards, edits and callback answers, through the same PTB
    methods, but no coach, engine or database: the fastest any bot sending
    Attune's replies could be. Its throughput bounds Attune's.
    """

    async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        for call in replies.popleft():
            await _perform(context.bot, update, call)

    request = RecordingRequest(fake)
    app = ApplicationBuilder().token(DEFAULT_TOKEN).request(request).get_updates_request(request)
    built = app.build()
    built.add_handler(MessageHandler(filters.ALL, replay))
    built.add_handler(CallbackQueryHandler(replay))
    return built


async def _perform(bot: Any, update: Update, call: Call) -> None:
    params = call.params
    markup = params.get("reply_markup")
    keyboard = InlineKeyboardMarkup.de_json(markup, bot) if markup else None
    if call.method == "sendMessage":
        await bot.send_message(params["chat_id"], params["text"], reply_markup=keyboard)
    elif call.method == "editMessageText":
        await bot.edit_message_text(
            params["text"],
            chat_id=params["chat_id"],
            message_id=params["message_id"],
            reply_markup=keyboard,
        )
    elif call.method == "answerCallbackQuery" and update.callback_query is not None:
        await update.callback_query.answer(params.get("text"))
    else:
        raise ValueError(f"the replay bot does not know {call.method}")


async def throughput() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fake_a, fake_e, fake_r = FakeTelegram(), FakeTelegram(), FakeTelegram()
        app, engine = await attune_app(fake_a, Path(tmp) / "bench.db")
        echo = echo_app(fake_e)
        replies: list[list[Call]] = []
        users_a = [fake_a.user(10_000 + i, f"U{i}") for i in range(USERS)]
        users_e = [fake_e.user(10_000 + i, f"U{i}") for i in range(USERS)]
        users_r = [fake_r.user(10_000 + i, f"U{i}") for i in range(USERS)]
        async with app, echo:
            n_a, t_a = await drive(app, fake_a, users_a, replies)
            n_e, t_e = await echo_drive(echo, fake_e, users_e)
        calls = sum(len(r) for r in replies) / len(replies)
        replay = replay_app(fake_r, deque(replies))
        async with replay:
            n_r, t_r = await drive(replay, fake_r, users_r)
        await engine.dispose()
    rate_a, rate_e, rate_r = n_a / t_a, n_e / t_e, n_r / t_r
    print(
        f"whole stack: {rate_a:.0f} updates/s ({n_a} updates, {calls:.1f} Bot API calls each); "
        f"echo bot: {rate_e:.0f} updates/s (1.5 calls each)"
    )
    verdict = "meets" if rate_a >= rate_e / 2 else "MISSES"
    print(f"ratio attune/echo = {rate_a / rate_e:.2f} ({verdict} the target of >= 0.50)")
    print(
        f"Attune's replies alone (same calls, no coach): {rate_r:.0f} updates/s, "
        f"ratio {rate_r / rate_e:.2f} of echo: the ceiling for any bot sending them; "
        f"Attune reaches {rate_a / rate_r:.2f} of it"
    )


async def echo_drive(app: Any, fake: FakeTelegram, users: list[Any]) -> tuple[int, float]:
    count, spent = 0, 0.0
    for round_ in range(4):
        for user in users:
            data = user.press("Go") if round_ % 2 else user.send_text("hello there")
            spent += await timed_update(app, fake, data)
            count += 1
            if round_ % 2 == 0:
                await fake.call_async(
                    "sendMessage",
                    {
                        "chat_id": user.id,
                        "text": "hi",
                        "reply_markup": {
                            "inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]
                        },
                    },
                )
    return count, spent


def startup() -> None:
    times = []
    with tempfile.TemporaryDirectory() as tmp, FakeBotApiServer() as server:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'start.db'}"
        for i in range(STARTS):
            bot = BotProcess(server, url, Path(tmp) / f"start{i}.log")
            times.append(bot.start())
            bot.stop()
    first, rest = times[0], statistics.median(times[1:])
    print(
        f"start-up to first poll: first run {first:.2f} s (creates the database), "
        f"then median {rest:.2f} s (target < 2 s: {'met' if max(times) < 2 else 'MISSED'})"
    )


async def main() -> None:
    engine_step()
    await throughput()
    startup()
