"""Foundation benchmarks: one engine step, whole-stack throughput, start-up time.

Throughput is measured side by side in one run: the full Attune stack
(Application -> coach -> engine -> SQLite -> recorded reply) against a bare
PTB echo bot on the same in-process fake Bot API, taking turns update by
update, so the machine's noise affects both alike and the ratio is what counts.

A third bot replays Attune's own Bot API calls (same texts, keyboards, edits,
callback answers) with no coach behind them. Attune's replies cost more than
an echo (about three calls each, with keyboards, against one and a half plain
ones), and this bot shows how much: its ratio to the echo is the most any bot
sending Attune's replies through PTB can reach, and Attune's ratio to it is
the share left to our own code.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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
from bot.config import PROJECT_ROOT, load_settings
from bot.engine.events import Choose
from bot.engine.loader import load_content
from bot.engine.state import DialogState
from bot.engine.step import step
from bot.features import FEATURES
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


SCRIPT: list[Callable[[Any], dict[str, Any]]] = [
    lambda user: user.send_command("/start"),
    lambda user: user.press(user.inbox()[-1].button_texts[0]),
    lambda user: user.send_text("We keep missing each other in the evenings"),
    lambda user: user.press(user.inbox()[-1].button_texts[0]),
]
"""Attune's conversation: /start, a button, a free-text answer, a button."""


def echo_script(fake: FakeTelegram) -> list[Callable[[Any], Awaitable[dict[str, Any]]]]:
    """The echo bot's: text and button presses, alternating (the echo has no keyboards)."""

    async def text(user: Any) -> dict[str, Any]:
        return user.send_text("hello there")

    async def press(user: Any) -> dict[str, Any]:
        keyboard = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
        await fake.call_async(
            "sendMessage", {"chat_id": user.id, "text": "hi", "reply_markup": keyboard}
        )
        return user.press("Go")

    return [text, press, text, press]


@dataclass
class Runner:
    """One bot under test, with its own fake Telegram and people, and its tally."""

    app: Any
    fake: FakeTelegram
    users: list[Any] = field(default_factory=list)
    updates: int = 0
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.users = [self.fake.user(10_000 + i, f"U{i}") for i in range(USERS)]

    async def feed(self, data: dict[str, Any]) -> list[Call]:
        """Process one update; returns the Bot API calls it caused."""
        before = len(self.fake.calls)
        self.fake.consume_update(data["update_id"])
        update = make_update(data, self.app.bot)
        began = time.perf_counter()
        await self.app.process_update(update)
        self.seconds += time.perf_counter() - began
        self.updates += 1
        return self.fake.calls[before:]

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


async def attune_app(fake: FakeTelegram, db: Path) -> tuple[Any, Any]:
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    await migrate(engine)
    coach = Coach(
        load_content(PROJECT_ROOT / "dialogs"), session_factory(engine), features=FEATURES
    )
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
    """Attune, the echo bot and the replay bot take turns, update by update.

    Interleaving them means a busy moment on this shared machine slows all
    three alike, so the ratios hold even when the absolute figures wander.
    """
    with tempfile.TemporaryDirectory() as tmp:
        replies: deque[list[Call]] = deque()
        fake_a, fake_e, fake_r = FakeTelegram(), FakeTelegram(), FakeTelegram()
        app, engine = await attune_app(fake_a, Path(tmp) / "bench.db")
        attune, echo = Runner(app, fake_a), Runner(echo_app(fake_e), fake_e)
        replay = Runner(replay_app(fake_r, replies), fake_r)
        calls = 0
        async with attune.app, echo.app, replay.app:
            for step, echo_step in zip(SCRIPT, echo_script(fake_e), strict=True):
                for a, e, r in zip(attune.users, echo.users, replay.users, strict=True):
                    replies.append(await attune.feed(step(a)))
                    calls += len(replies[-1])
                    await echo.feed(await echo_step(e))
                    await replay.feed(step(r))
        await engine.dispose()
    a, e, r = attune.rate, echo.rate, replay.rate
    print(
        f"whole stack: {a:.0f} updates/s ({attune.updates} updates, "
        f"{calls / attune.updates:.1f} Bot API calls each); echo bot: {e:.0f} updates/s"
    )
    verdict = "meets" if a >= e / 2 else "MISSES"
    print(f"ratio attune/echo = {a / e:.2f} ({verdict} the target of >= 0.50)")
    print(
        f"Attune's replies alone (same calls, no coach): {r:.0f} updates/s = {r / e:.2f} of echo, "
        f"the ceiling for any bot sending them; Attune reaches {a / r:.2f} of it"
    )


def startup() -> None:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'start.db'}"
        for i in range(STARTS):
            # A fresh server each time: a stopped bot's long poll may still be open
            # on the old one, and would look like the next bot polling already.
            with FakeBotApiServer() as server:
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
