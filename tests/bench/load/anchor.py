"""The anchor: a bare python-telegram-bot bot that answers like a one-message-per-turn coach.

No database, no engine, no rate limiter: `concurrent_updates` on, every update
handled the moment it arrives, each reply shaped like Attune's ideal turn (see
DESIGN.md): a press is marked by editing the pressed message, then one new
message follows, then the button press is answered. It alternates a question
(awaiting typed text) with a message that has buttons, like a guided dialog.
Its latency is what the same people feel from the fastest plain PTB bot.

Run as its own process: `python -m tests.bench.load.anchor BASE_URL TOKEN`.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

QUESTION = "What made you look for a coach right now? A sentence or two is plenty."
CHOICES = "Thank you. Right now, how does your relationship feel to you?"
HELLO = "Hello! Let's get to know each other a little."


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Sounds good", callback_data=data)],
            [InlineKeyboardButton("Tell me more", callback_data=data)],
        ]
    )


async def message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start greets with buttons that lead to a question; typed text gets buttons."""
    assert update.effective_chat is not None and update.effective_message is not None
    chat_id = update.effective_chat.id
    if (update.effective_message.text or "").startswith("/start"):
        await context.bot.send_message(chat_id, HELLO, reply_markup=keyboard("ask"))
    else:
        await context.bot.send_message(chat_id, CHOICES, reply_markup=keyboard("go"))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Mark the pressed message, send the next step, then answer the press."""
    query = update.callback_query
    assert query is not None and query.message is not None
    chat_id = query.message.chat.id
    await query.edit_message_text(f"{getattr(query.message, 'text', '')}\n\n✓ Sounds good")
    if query.data == "ask":
        await context.bot.send_message(chat_id, QUESTION)
    else:
        await context.bot.send_message(chat_id, HELLO, reply_markup=keyboard("ask"))
    await query.answer()


def build(base_url: str, token: str) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{base_url}/bot")
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, message))
    app.add_handler(CallbackQueryHandler(press))
    return app


async def serve(base_url: str, token: str) -> None:
    app = build(base_url, token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
