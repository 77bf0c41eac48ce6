"""Turn `Outbound` messages into Bot API calls.

Sending is where Telegram says no: a person who blocked the bot (Forbidden) is
marked unreachable, a message that did not change is skipped, and an edit that
fails falls back to a new message so nothing the person needs is lost.

Flood limits (RetryAfter) are honoured by waiting, and network errors are
retried with backoff — but only when the request certainly did not arrive
(no connection, or Telegram answered with an error). When the connection broke
after the request left, the message may already be on the phone, so it is
reported as UNKNOWN rather than sent twice. A message a delivery record keeps
is not retried here at all: its record tries again with a new admission
(`retries_for`), so a kill between tries loses nothing.

Background jobs pass `SendHooks`: each message is admitted right before it
goes out and its outcome is reported right after, which is what lets the nudge
sweep deliver every check-in exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta

import httpx
from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.engine.outputs import Keyboard
from bot.sending import Outcome, SendHooks
from bot.telegram.group_pace import GroupPace, is_group
from bot.telegram.ratelimit import GuardedRateLimiter, Lane, SendCancelled, SendGuard
from bot.turn import Document, Outbound, Photo

log = logging.getLogger(__name__)

MarkUnreachable = Callable[[int], Awaitable[None]]

RETRIES = 3
"""Further attempts after a send that certainly failed (network down, flood limit)."""
BACKOFF_SECONDS = 0.5
"""First wait before retrying a network error; doubles each time."""
_NOT_SENT_CAUSES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


LINK_BUTTON = "https://"
"""A button whose data is an https address opens it (a `t.me` deep link) instead of
calling back; nothing else Attune sends starts that way."""


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[_button(b.label, b.data) for b in row] for row in keyboard])


def _button(label: str, data: str) -> InlineKeyboardButton:
    if data.startswith(LINK_BUTTON):
        return InlineKeyboardButton(label, url=data)
    return InlineKeyboardButton(label, callback_data=data)


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
    *,
    hooks: SendHooks | None = None,
    concurrency: int = 1,
    lane: Lane = Lane.REPLY,
    pace: GroupPace | None = None,
) -> list[Outcome]:
    """Send everything, answering `query` (if any) exactly once.

    Messages to one chat go in order; with `concurrency` > 1 different chats
    are served side by side. Returns one outcome per outbound, in order.
    With `hooks`, every message is admitted right before it is shown — as a
    new message, an edit, or the toast answering `query` — and its outcome
    reported after. `lane` says who waits: a person (REPLY) or nobody (BULK).
    With `pace`, messages to a group keep to its per-minute budget; a press in a
    group is then answered first, since its edit may wait for room.
    """
    outcomes: list[Outcome] = [Outcome.SENT] * len(outs)
    toast: Outbound | None = None
    queues: dict[int, list[int]] = {}
    for index, out in enumerate(outs):
        answering = query is not None and out.chat_id == query.from_user.id
        if answering and out.notice and toast is None:
            toast = out
            continue
        queues.setdefault(out.chat_id, []).append(index)

    early = query is not None and pace is not None and _in_group(query)
    if early:
        assert query is not None
        await _answer_with(query, toast, hooks)

    async def serve(indexes: list[int]) -> None:
        for index in indexes:
            outcomes[index] = await _deliver_one(
                bot, outs[index], mark_unreachable, query, hooks, lane, pace
            )

    if pace is not None and concurrency <= 1:
        concurrency = len(queues)  # a group's wait for room never holds up a person's chat
    if concurrency <= 1 or len(queues) <= 1:
        for indexes in queues.values():
            await serve(indexes)
    else:
        limit = asyncio.Semaphore(concurrency)

        async def bounded(indexes: list[int]) -> None:
            async with limit:
                await serve(indexes)

        await asyncio.gather(*(bounded(indexes) for indexes in queues.values()))
    if query is not None and not early:
        await _answer_with(query, toast, hooks)
    return outcomes


def _in_group(query: CallbackQuery) -> bool:
    message = query.message
    return message is not None and message.chat is not None and is_group(message.chat.id)


async def _answer_with(
    query: CallbackQuery, toast: Outbound | None, hooks: SendHooks | None
) -> None:
    """The callback answer is not paced like a message; a toast it carries is still
    admitted and recorded like one, so it is shown once and never sent again later."""
    if toast is None or hooks is None:
        await _answer(query, toast.text if toast else None)
        return
    if not await hooks.admit(toast):
        await _answer(query, None)
        return
    await _answer(query, toast.text)
    await hooks.done(toast, Outcome.SENT)


class _Reporting:
    """One message's hooks, remembering whether it was admitted and its outcome reported."""

    def __init__(self, hooks: SendHooks) -> None:
        self.hooks = hooks
        self.admitted = False
        self.reported = False

    async def admit(self, out: Outbound) -> bool:
        self.admitted = await self.hooks.admit(out)
        return self.admitted

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        self.reported = True
        await self.hooks.done(out, outcome)


async def _deliver_one(
    bot: Bot,
    out: Outbound,
    mark_unreachable: MarkUnreachable,
    query: CallbackQuery | None,
    hooks: SendHooks | None,
    lane: Lane,
    pace: GroupPace | None = None,
) -> Outcome:
    """`_send_one`, and a message admitted is always reported: when sending it stops
    on an error or is cancelled (a job's or a turn's stop) before its outcome was
    reported, it is reported UNKNOWN (it may have arrived; never repeated), so a
    record never keeps it `sending` and the shutdown gate never waits for it."""
    reporting = _Reporting(hooks) if hooks is not None else None
    try:
        return await _send_one(bot, out, mark_unreachable, query, reporting, lane, pace)
    except BaseException:
        if reporting is not None and reporting.admitted and not reporting.reported:
            log.warning("a message to chat %s stopped unreported: it is unknown", out.chat_id)
            with contextlib.suppress(Exception):
                await reporting.done(out, Outcome.UNKNOWN)
        raise


async def _send_one(
    bot: Bot,
    out: Outbound,
    mark_unreachable: MarkUnreachable,
    query: CallbackQuery | None,
    hooks: SendHooks | None,
    lane: Lane,
    pace: GroupPace | None = None,
) -> Outcome:
    answering = query is not None and out.chat_id in _pressed_in(query)
    guard = SendGuard(lambda: hooks.admit(out), lane) if hooks is not None else None
    paced = pace if pace is not None and is_group(out.chat_id) else None
    if answering and out.replace and _shown(query):
        assert query is not None
        taken: float | None = None
        if paced is not None and query.message is not None and not _unchanged(query, out):
            key = (out.chat_id, query.message.message_id)
            taken = await paced.slot(out.chat_id, (key, paced.edit(*key)))
            if taken is None:
                return await _superseded(out, guard, hooks)
        if guard is not None and not await guard.check():
            return Outcome.CANCELLED
        edited = await _edit(query, out)
        if paced is not None and taken is not None:
            paced.settle(out.chat_id, taken)
        if edited:
            if hooks is not None:
                await hooks.done(out, Outcome.SENT)
            return Outcome.SENT
    if out.append:
        return Outcome.SENT  # a ✓ mark for a message that is gone: nothing to mark
    taken = await paced.slot(out.chat_id) if paced is not None else None
    outcome = await _send_with_retries(bot, out, guard, lane)
    if paced is not None and taken is not None:
        paced.settle(out.chat_id, taken)
    if hooks is not None:  # every send that returns asked its admission
        await hooks.done(out, outcome)  # first: what Telegram said stands if marking fails
    if outcome is Outcome.BLOCKED:
        await mark_unreachable(out.user_id)
    return outcome


async def _superseded(out: Outbound, guard: SendGuard | None, hooks: SendHooks | None) -> Outcome:
    """A newer edit of the same message replaced this one: it is done, unsent."""
    if hooks is not None and guard is not None and await guard.check():
        await hooks.done(out, Outcome.SUPERSEDED)
    return Outcome.SUPERSEDED


def _shown(query: CallbackQuery | None) -> bool:
    """The pressed message can be edited: Telegram gives a deleted or too old one as an
    InaccessibleMessage (no text, no buttons), which PTB refuses to edit with a TypeError;
    the answer to such a press is sent anew instead."""
    return query is not None and query.message is not None and query.message.is_accessible


def _unchanged(query: CallbackQuery, out: Outbound) -> bool:
    """The pressed message already shows exactly this (text and buttons)."""
    message = query.message
    if out.append or message is None or getattr(message, "text", None) != out.text:
        return False
    return getattr(message, "reply_markup", None) == markup(out.keyboard)


def _pressed_in(query: CallbackQuery) -> tuple[int, ...]:
    """Chats where an edit answers this press: the presser's own, or the group it was in."""
    message = query.message
    chat = message.chat.id if message is not None and message.chat is not None else None
    return (query.from_user.id,) if chat is None else (query.from_user.id, chat)


async def _send_with_retries(
    bot: Bot, out: Outbound, guard: SendGuard | None, lane: Lane = Lane.REPLY
) -> Outcome:
    outcome = await _attempts(bot, out, guard, lane)
    kept = retries_for(out, guard) == 0
    if outcome is Outcome.UNKNOWN or (outcome is Outcome.FAILED and not kept):
        # Someone may be waiting for this: say so, naming the chat but never the words.
        log.warning("a message to chat %s was not delivered (%s)", out.chat_id, outcome.value)
    elif outcome is Outcome.FAILED:
        log.info("a message to chat %s failed; its record tries again", out.chat_id)
    return outcome


def retries_for(out: Outbound, guard: SendGuard | None) -> int:
    """Quick retries inside one admission, for a message no record keeps.

    A message a delivery record keeps (`ref`: an outbox row, a check-in) gets
    none: a certain failure is reported FAILED at once and the record tries
    again later with a new admission, so a process killed during the pause
    leaves the row `claimed` (resent) rather than `sending` (never repeated).
    The window in which a kill leaves a message unknown is one HTTP request.
    """
    return 0 if guard is not None and out.ref is not None else RETRIES


async def _attempts(bot: Bot, out: Outbound, guard: SendGuard | None, lane: Lane) -> Outcome:
    moved = False
    retries = retries_for(out, guard)
    if guard is not None:
        guard.once = retries == 0
    attempt = 0
    while True:
        last = attempt >= retries
        attempt += 1
        try:
            await _send(bot, out, guard, lane)
            return Outcome.SENT
        except SendCancelled:
            return Outcome.CANCELLED
        except ChatMigrated as exc:
            # The group became a supergroup; the table follows when Telegram's service
            # message arrives, and this message goes to the new chat now, once.
            if moved:
                log.warning("chat %s moved twice while sending; not sent", out.chat_id)
                return Outcome.REFUSED
            log.info("chat %s is now supergroup %s; sending there", out.chat_id, exc.new_chat_id)
            out, moved = _moved(out, exc.new_chat_id), True
            attempt -= 1  # an answer, not a failure: the same try goes to the new chat
        except Forbidden:
            return Outcome.BLOCKED
        except BadRequest as exc:
            log.warning("Telegram refused a message to chat %s: %s", out.chat_id, exc.message)
            return Outcome.REFUSED
        except RetryAfter as exc:
            if last:
                return Outcome.FAILED
            wait = _retry_seconds(exc)
            log.info("flood limit: waiting %.1f s before sending again", wait)
            await asyncio.sleep(wait)
        except NetworkError as exc:
            if not _certainly_not_sent(exc):
                log.info("connection lost while sending; not retrying (%s)", short_reason(exc))
                return Outcome.UNKNOWN
            if last:
                log.info("network error, certainly not sent: %s", short_reason(exc))
                return Outcome.FAILED
            log.info("network error, will retry: %s", short_reason(exc))
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))


def _moved(out: Outbound, chat_id: int) -> Outbound:
    """`out` for the supergroup its group became (a group's `user_id` is the group)."""
    user_id = chat_id if out.user_id == out.chat_id else out.user_id
    return replace(out, chat_id=chat_id, user_id=user_id)


def _certainly_not_sent(exc: NetworkError) -> bool:
    """No connection was made, or the server answered with an error status.

    An answer whose body is not JSON (a proxy's HTML "502 Bad Gateway" page)
    is an answer all the same: PTB raises it from the `TelegramError` it got
    parsing the body, where a broken connection comes from httpx.
    """
    cause = exc.__cause__
    return cause is None or isinstance(cause, (*_NOT_SENT_CAUSES, TelegramError))


def short_reason(exc: NetworkError) -> str:
    """PTB's message without the body it quotes when that was not JSON (a whole HTML page)."""
    return exc.message.split(". Parsing the server response", 1)[0]


def _retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait; PTB is moving `retry_after` from int to timedelta, accept both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _edit(query: CallbackQuery | None, out: Outbound) -> bool:
    text = out.text
    if out.append and query is not None:
        shown = getattr(query.message, "text", None)
        if not shown:
            return False
        text = f"{shown}\n\n{out.text}"
    if query is None or query.message is None or len(text) > MessageLimit.MAX_TEXT_LENGTH:
        return False
    if _unchanged(query, out):
        return True  # Telegram would answer "message is not modified": spare the call
    try:
        await query.edit_message_text(text, reply_markup=markup(out.keyboard))
    except BadRequest as exc:
        return "not modified" in exc.message.lower()
    except ChatMigrated:
        return False  # the pressed message stayed in the old group: send it anew
    return True


async def _send(bot: Bot, out: Outbound, guard: SendGuard | None, lane: Lane) -> None:
    """One message (or several parts of a long text); `guard` admits only the first request."""
    extra: dict[str, object] = {}
    ours = isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, GuardedRateLimiter)
    if ours:
        extra["rate_limit_args"] = guard if guard is not None else lane
    elif guard is not None and not await guard.check():
        raise SendCancelled
    attachment = out.attachment
    if isinstance(attachment, Document):
        await bot.send_document(
            out.chat_id,
            attachment.content,
            filename=attachment.filename,
            caption=attachment.caption or None,
            **extra,
        )
        return
    if isinstance(attachment, Photo):
        await bot.send_photo(
            out.chat_id, attachment.content, caption=attachment.caption or None, **extra
        )
        return
    parts = split_text(out.text) or [out.text]  # nothing to split still asks: Telegram refuses
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await bot.send_message(
            out.chat_id, part, reply_markup=markup(out.keyboard) if last else None, **extra
        )
        extra = {"rate_limit_args": lane} if ours else {}


async def _answer(query: CallbackQuery, toast: str | None) -> None:
    try:
        await query.answer(toast[:200] if toast else None)
    except BadRequest as exc:  # too old to answer: the person has moved on anyway
        log.debug("could not answer callback query: %s", exc.message)
