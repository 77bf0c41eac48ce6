"""PTB handlers: read an update, ask the coach, deliver the answer.

Private chats reach the coach; groups are the Talk Table's (`bot.telegram.group`).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.coach import Coach
from bot.delivery.gate import Gate
from bot.inbox import ticket as inbox_ticket
from bot.sending import SendHooks
from bot.telegram.delivery import deliver
from bot.telegram.group import GroupChats
from bot.telegram.group_pace import GroupPace
from bot.turn import Outbound, Person

log = logging.getLogger(__name__)

UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member")
"""The update kinds the handlers below read: Telegram is asked for these only (polling
and webhook), so a kind Attune does not handle never arrives, readable or not."""


def person(update: Update) -> Person:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return Person(user.id, chat.id, user.first_name or "", user.language_code)


def complete(update: Update) -> bool:
    """Whether `update` has what its handlers rely on (see `Handlers.incomplete`)."""
    message = update.message or update.edited_message
    if message is not None:
        chat = message.chat
        return chat is not None and (chat.type != chat.PRIVATE or message.from_user is not None)
    query = update.callback_query
    if query is not None:
        return query.message is not None and query.message.chat is not None
    return True


async def answer_quietly(query: CallbackQuery) -> None:
    """Stop the button's spinner; a query Telegram no longer takes is no incident."""
    try:
        await query.answer()
    except TelegramError as exc:
        log.debug("could not answer a button press: %s", exc.message)


class Handlers:
    def __init__(
        self, coach: Coach, pace: GroupPace | None = None, gate: Gate | None = None
    ) -> None:
        self.coach = coach
        self.pace = pace
        """Each group's per-minute budget (sends and edits), shared by every sender."""
        self.gate = gate
        """Replies go through the same gate as the jobs' sends: at shutdown (SIGTERM) a reply
        already admitted gets the grace period to finish, a later one is refused and stays
        in the outbox for the next process (`bot.delivery.gate`), rather than being cancelled
        mid-request by the worker's stop (which could only mark it `unknown`)."""
        self.groups = GroupChats(coach, self._deliver)

    @property
    def hooks(self) -> SendHooks | None:
        """The outbox's send hooks (set by the transport after start), behind the gate."""
        outbox = self.coach.outbox
        if self.gate is None or outbox is None:
            return outbox
        return self.gate.hooks(outbox)

    def install(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(TypeHandler(Update, self.incomplete), group=-1)
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        app.add_handler(MessageHandler(filters.ChatType.GROUPS, self.groups.message), group=0)
        app.add_handler(MessageHandler(private & filters.COMMAND, self.command))
        app.add_handler(MessageHandler(private & filters.TEXT, self.text))
        app.add_handler(MessageHandler(private & filters.LOCATION, self.location))
        app.add_handler(MessageHandler(private, self.unsupported))
        edited = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE
        app.add_handler(MessageHandler(edited, self.edited))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_handler(ChatMemberHandler(self.membership, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_error_handler(self.error)

    async def _deliver(
        self, context: ContextTypes.DEFAULT_TYPE, outs: list[Outbound], update: Update | None = None
    ) -> None:
        query = update.callback_query if update is not None else None
        await deliver(
            context.bot,
            outs,
            self.coach.mark_unreachable,
            query,
            hooks=self.hooks,
            pace=self.pace,
        )

    def _learn_username(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """For t.me links; on_started sets it too, but in-process tests may not call that."""
        if self.coach.bot_username is None:
            self.coach.bot_username = context.bot.username

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._learn_username(context)
        message = update.effective_message
        head, *args = (message.text or "/").split() if message else ["/"]
        name = head.lstrip("/").split("@", 1)[0]
        outs = await self.coach.run_command(person(update), name, tuple(args))
        await self._deliver(context, outs)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._learn_username(context)
        message = update.effective_message
        assert message is not None and message.text is not None
        await self._deliver(context, await self.coach.text(person(update), message.text))

    async def location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.location is not None
        loc = message.location
        outs = await self.coach.shared_location(person(update), loc.latitude, loc.longitude)
        await self._deliver(context, outs)

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        caption = message.caption if message else None
        await self._deliver(context, await self.coach.unsupported(person(update), caption))

    async def edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edit does not change a stored answer, but a worrying edit is still heard."""
        message = update.effective_message
        text = (message.text or message.caption) if message else None
        await self._deliver(context, await self.coach.side_text(person(update), text))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._learn_username(context)
        query = update.callback_query
        assert query is not None
        chat = update.effective_chat
        if chat is not None and chat.type != chat.PRIVATE:
            await self.groups.press(update, context)
            return
        outs = await self.coach.press(person(update), query.data)
        await self._deliver(context, outs, update)

    async def incomplete(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs first: an update missing what every normal one has is answered if it can
        be (a button press, so the phone stops waiting) and goes no further.

        A private message always names its sender and its chat, and a press of one of
        our buttons comes with the message it sits under (Attune has no inline mode);
        anything else is a client's or a proxy's oddity, not a person to answer.
        """
        if complete(update):
            return
        log.info("ignored update %s: it lacks its chat, sender or message", update.update_id)
        if update.callback_query is not None:
            await answer_quietly(update.callback_query)
        raise ApplicationHandlerStop

    async def membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Telegram tells us when someone blocks the bot: stop writing to them at once.

        In a group it is the bot being added or removed: the Talk Table's business."""
        change = update.my_chat_member
        if change is None:
            return
        if change.chat.type != change.chat.PRIVATE:
            await self.groups.bot_membership(update, context)
            return
        if change.new_chat_member.status == ChatMemberStatus.BANNED:
            await self.coach.mark_unreachable(change.chat.id)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log without message text (it may be private) and apologise to the person.

        A stored update is tried again after a failure; only its last attempt apologises.
        """
        ticket = inbox_ticket.current()
        if ticket is not None:
            ticket.failed = context.error
            if not ticket.last_attempt:
                log.warning("error while handling update %s; will try again", ticket.update_id)
                return
        log.error("error while handling an update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        user = update.effective_user
        lang = self.coach.content.lang(user.language_code if user else None)
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await context.bot.send_message(
                update.effective_chat.id, self.coach.content.t("error", lang)
            )
        except Exception:  # the apology itself failed; nothing more we can do
            log.warning("could not send the error apology")
