"""Turn `Outbound` messages into Bot API calls.

Sending is where Telegram says no: a person who blocked the bot (Forbidden) is
marked unreachable, a message that did not change is skipped, and an edit that
fails falls back to a new message so nothing the person needs is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden

from bot.engine.outputs import Keyboard
from bot.turn import Document, Outbound, Photo

log = logging.getLogger(__name__)

MarkUnreachable = Callable[[int], Awaitable[None]]


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard]
    )


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Split at paragraph or line breaks where possible, hard-cut only when forced."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


async def deliver(
    bot: Bot,
    outs: Sequence[Outbound],
    mark_unreachable: MarkUnreachable,
    query: CallbackQuery | None = None,
) -> None:
    """Send everything, answering `query` (if any) exactly once."""
    toast: str | None = None
    for out in outs:
        answering = query is not None and out.chat_id == query.from_user.id
        if answering and out.notice and toast is None:
            toast = out.text
            continue
        try:
            if answering and out.replace and await _edit(query, out):
                continue
            await _send(bot, out)
        except Forbidden:
            await mark_unreachable(out.user_id)
        except BadRequest as exc:
            log.warning("Telegram refused a message: %s", exc.message)
    if query is not None:
        await _answer(query, toast)


async def _edit(query: CallbackQuery | None, out: Outbound) -> bool:
    if query is None or query.message is None or len(out.text) > MessageLimit.MAX_TEXT_LENGTH:
        return False
    try:
        await query.edit_message_text(out.text, reply_markup=markup(out.keyboard))
    except BadRequest as exc:
        return "not modified" in exc.message.lower()
    return True


async def _send(bot: Bot, out: Outbound) -> None:
    attachment = out.attachment
    if isinstance(attachment, Document):
        await bot.send_document(
            out.chat_id,
            attachment.content,
            filename=attachment.filename,
            caption=attachment.caption or None,
        )
        return
    if isinstance(attachment, Photo):
        await bot.send_photo(out.chat_id, attachment.content, caption=attachment.caption or None)
        return
    parts = split_text(out.text)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await bot.send_message(
            out.chat_id, part, reply_markup=markup(out.keyboard) if last else None
        )


async def _answer(query: CallbackQuery, toast: str | None) -> None:
    try:
        await query.answer(toast[:200] if toast else None)
    except BadRequest as exc:  # too old to answer: the person has moved on anyway
        log.debug("could not answer callback query: %s", exc.message)
