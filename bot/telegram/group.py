"""Group chats, for the Talk Table only (bot/table): Telegram updates in, table turns out.

Attune works with Telegram's default group privacy mode, so a group sends it
only commands, presses of its buttons, replies to its messages and service
messages (joins, leaves, being added). Each becomes a turn of the partner who
caused it; the table decides. Membership is asked of Telegram (getChatMember,
getChatMemberCount) while the table decides, through a `Roster`. Someone
Attune does not know gets at most a toast or the table's one explanation,
and no row of their own.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select
from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.coach import Coach
from bot.engine import callbacks
from bot.library.catalog import library_for
from bot.storage.models import User
from bot.table import floor as f
from bot.table import render, store
from bot.table.ending import partner_left
from bot.table.models import TalkTable
from bot.table.table import Group, Table, members_changed
from bot.telegram.delivery import deliver
from bot.turn import Outbound, Person, Turn

log = logging.getLogger(__name__)

IN_GROUP = frozenset(
    {
        ChatMemberStatus.OWNER,
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.RESTRICTED,
    }
)
OPENING = frozenset({"start", "talk"})


class TelegramRoster:
    """The group's members as Telegram reports them right now."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def count(self) -> int:
        return await self.bot.get_chat_member_count(self.chat_id)

    async def has(self, user_id: int) -> bool:
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
        except TelegramError:
            return False
        if member.status == ChatMemberStatus.RESTRICTED:
            return bool(getattr(member, "is_member", False))
        return member.status in IN_GROUP


class GroupChats:
    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        data_dir, languages = coach.settings.data_dir, coach.content.languages
        self.table = Table(library_for(data_dir, languages))

    # -- entry points (PTB handlers) ------------------------------------------------------

    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        bot = context.bot
        group = Group(message.chat.id, TelegramRoster(bot, message.chat.id))
        sender = message.from_user.id
        if message.new_chat_members or message.left_chat_member:
            await self._membership(context, message, group)
            return
        name = _command(message, bot.username)
        if name in OPENING:
            talk = name == "talk"
            await self._as(context, sender, update, lambda t: self.table.open(t, group, talk=talk))
            return
        replied = message.reply_to_message
        text = message.text or message.caption
        ours = replied is not None and replied.from_user is not None
        if ours and text and replied.from_user.id == bot.id:  # type: ignore[union-attr]
            screens = self.coach.safety_screens

            async def reflect(turn: Turn) -> None:
                await self.table.reply(turn, group, text, screens)

            await self._as(context, sender, update, reflect, stranger=False)

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        chat_id = query.message.chat.id
        parsed = callbacks.decode(query.data)
        if parsed is None or parsed.kind != render.KIND:
            await _answer(query, None)
            return
        group = Group(chat_id, TelegramRoster(context.bot, chat_id))
        if not await self._known(query.from_user.id):
            await _answer(query, await self._strangers_toast(chat_id))
            return

        async def handle(turn: Turn) -> None:
            await self.table.press(turn, group, parsed.args)

        outs = await self.coach.handle(_person(query.from_user), handle)
        outbox = self.coach.outbox
        await deliver(context.bot, outs, self.coach.mark_unreachable, query, hooks=outbox)

    async def bot_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added to a group (or removed from it)."""
        change = update.my_chat_member
        assert change is not None
        group = Group(change.chat.id, TelegramRoster(context.bot, change.chat.id))
        status = change.new_chat_member.status
        if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
            await self._bot_left(change.chat.id)
            return
        was = change.old_chat_member.status
        if was in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED) and status in IN_GROUP:
            adder = change.from_user.id
            await self._as(context, adder, update, lambda t: self.table.open(t, group))

    # -- turns ----------------------------------------------------------------------------------

    async def _as(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        user_id: int,
        update: Update,
        handler: Any,
        *,
        stranger: bool = True,
    ) -> None:
        """Run `handler` as this partner's turn; someone unknown gets the explanation once."""
        chat_id = update.effective_chat.id if update.effective_chat else 0
        if await self._known(user_id):
            user = update.effective_user
            assert user is not None
            outs = await self.coach.handle(_person(user), handler)
        elif stranger:
            outs = await self._refuse_stranger(chat_id, update)
        else:
            outs = []
        await deliver(context.bot, outs, self.coach.mark_unreachable, hooks=self.coach.outbox)

    async def _membership(
        self, context: ContextTypes.DEFAULT_TYPE, message: Message, group: Group
    ) -> None:
        left = message.left_chat_member
        if left is not None and left.id in await self._partners(group.chat_id):
            outs = await self.coach.for_user(left.id, lambda t: partner_left(t, group.chat_id))
            await deliver(context.bot, outs, self.coach.mark_unreachable)
            return
        actor = await self._seated(group.chat_id)
        if actor is None and message.from_user is not None:
            actor = message.from_user.id if await self._known(message.from_user.id) else None
        if actor is None:
            return
        outs = await self.coach.for_user(actor, lambda t: members_changed(self.table, t, group))
        await deliver(context.bot, outs, self.coach.mark_unreachable)

    # -- people Attune does not know ---------------------------------------------------------------

    async def _known(self, user_id: int) -> bool:
        async with self.coach.sessions() as session:
            found = await session.exec(select(User.id).where(User.id == user_id))
            return found.first() is not None

    async def _seated(self, chat_id: int) -> int | None:
        """The person who first opened a table here, if any (acting for membership news)."""
        async with self.coach.sessions() as session:
            row = await store.by_chat(session, chat_id)
            return row.opened_by if row is not None else None

    async def _partners(self, chat_id: int) -> set[int]:
        async with self.coach.sessions() as session:
            row = await store.by_chat(session, chat_id)
            return set(await store.names(session, row)) if row is not None else set()

    async def _strangers_toast(self, chat_id: int) -> str | None:
        async with self.coach.sessions() as session:
            row = await store.by_chat(session, chat_id)
            if row is None or row.couple_id is None:
                return None
            names = list((await store.names(session, row)).values())
            if len(names) != 2:
                return None
            return self.coach.content.t("table_only_partners", row.lang, a=names[0], b=names[1])

    async def _refuse_stranger(self, chat_id: int, update: Update) -> list[Outbound]:
        """Someone unknown opened a table here: explain once, in their language."""
        user = update.effective_user
        lang = self.coach.content.lang(user.language_code if user else None)
        async with self.coach.sessions() as session, session.begin():
            row = await store.by_chat(session, chat_id)
            if row is not None and (row.phase == f.REFUSED or row.couple_id is not None):
                return []
            now = self.coach.clock()
            session.add(
                TalkTable(
                    chat_id=chat_id, lang=lang, phase=f.REFUSED, created_at=now, touched_at=now
                )
            )
        return [Outbound(chat_id, chat_id, self.coach.content.t("table_refused", lang))]

    async def _bot_left(self, chat_id: int) -> None:
        """Removed from the group: nothing can be said there any more; the talk ends."""
        async with self.coach.sessions() as session, session.begin():
            row = await store.by_chat(session, chat_id)
            if row is None or row.phase == f.ENDED:
                return
            ended = f.Floor(phase=f.ENDED, version=row.version + 1, rounds=row.rounds)
            if await store.commit(session, row, ended, self.coach.clock()):
                await store.forget_waiting(session, row.id or 0)


def _person(user: Any) -> Person:
    """A partner acting in a group: their turn is about them, their private chat is theirs."""
    return Person(user.id, user.id, user.first_name or "", user.language_code)


def _command(message: Message, username: str | None) -> str | None:
    """`/talk` or `/talk@ourbot` (not a command meant for another bot in the group)."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    head = text.split()[0][1:]
    name, _, mention = head.partition("@")
    if mention and (username is None or mention.lower() != username.lower()):
        return None
    return name.lower()


async def _answer(query: Any, text: str | None) -> None:
    try:
        await query.answer(text[:200] if text else None)
    except TelegramError as exc:
        log.debug("could not answer a button press in a group: %s", exc.message)
