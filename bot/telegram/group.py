"""Group chats: Telegram updates read into `GroupEvent`s for the coach, answers delivered.

Attune works with Telegram's default group privacy mode, so a group sends it only
commands, presses of its buttons, replies to its messages and service messages
(joins, leaves, being added or removed). Which feature acts in groups, and how,
is the coach's and the features' business (`Coach.in_group`); this module only
translates, and lets them ask Telegram who is in the group (`TelegramRoster`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Bot, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.coach import Coach
from bot.plugins import GroupEvent
from bot.turn import Outbound

log = logging.getLogger(__name__)

Send = Callable[[ContextTypes.DEFAULT_TYPE, list[Outbound], Update | None], Awaitable[None]]
"""How answers leave: the private chats' own delivery (`Handlers._deliver`), so a group's
replies share its pace and shutdown gate."""

IN_GROUP = frozenset(
    {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)
GONE = frozenset({ChatMemberStatus.LEFT, ChatMemberStatus.BANNED})


class TelegramRoster:
    """The group's members as Telegram reports them when asked (getChatMember[Count])."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def count(self) -> int:
        """0 when Telegram will not say (the bot is no longer there): nobody to talk with."""
        try:
            return await self.bot.get_chat_member_count(self.chat_id)
        except TelegramError:
            return 0

    async def has(self, user_id: int) -> bool:
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
        except TelegramError:
            return False
        if member.status == ChatMemberStatus.RESTRICTED:
            return bool(getattr(member, "is_member", False))
        return member.status in IN_GROUP


class GroupChats:
    def __init__(self, coach: Coach, send: Send) -> None:
        self.coach = coach
        self.send = send

    async def message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and (moved := _migration(message)) is not None:
            await self._run(context, moved)
            return
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        event = self._read(message, context.bot)
        if event is not None:
            await self._run(context, event)

    def _read(self, message: Message, bot: Bot) -> GroupEvent | None:
        sender, chat = message.from_user, message.chat.id
        assert sender is not None
        base = GroupEvent(chat, "", sender.id, sender.first_name or "", sender.language_code)
        roster = TelegramRoster(bot, chat)
        joined = [u for u in message.new_chat_members or () if not u.is_bot]
        if joined:
            return replace(base, kind="joined", subject=joined[0].id, roster=roster)
        left = message.left_chat_member
        if left is not None and not left.is_bot:
            return replace(base, kind="left", subject=left.id, roster=roster)
        name = _command(message, bot.username)
        if name is not None:
            return replace(base, kind="command", name=name, roster=roster)
        replied = message.reply_to_message
        text = message.text or message.caption
        author = replied.from_user if replied is not None else None
        if text and author is not None and author.id == bot.id:
            return replace(base, kind="reply", text=text)
        return None

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        chat = query.message.chat.id
        user = query.from_user
        event = GroupEvent(
            chat,
            "press",
            user.id,
            user.first_name or "",
            user.language_code,
            data=query.data or "",
        )
        await self.send(context, await self.coach.in_group(event), update)

    async def bot_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added to a group, or removed from it."""
        change = update.my_chat_member
        assert change is not None
        was, now = change.old_chat_member.status, change.new_chat_member.status
        if now in GONE:
            kind = "removed"
        elif was in GONE:
            kind = "added"
        else:
            return
        user, chat = change.from_user, change.chat.id
        roster = TelegramRoster(context.bot, chat) if kind == "added" else None
        event = GroupEvent(
            chat, kind, user.id, user.first_name or "", user.language_code, roster=roster
        )
        await self._run(context, event)

    async def _run(self, context: ContextTypes.DEFAULT_TYPE, event: GroupEvent) -> None:
        await self.send(context, await self.coach.in_group(event), None)


def _migration(message: Message) -> GroupEvent | None:
    """The group became a supergroup: Telegram says so in both chats (the old one names
    the new id, the new one the old id); either reads as the same event, old -> new."""
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return None
    sender = message.from_user
    known = sender is not None and not sender.is_bot
    user_id = sender.id if sender is not None and known else 0
    name = sender.first_name if sender is not None and known else ""
    language = sender.language_code if sender is not None and known else None
    return GroupEvent(old, "migrated", user_id, name or "", language, moved_to=new)


def _command(message: Message, username: str | None) -> str | None:
    """`/talk` or `/talk@ourbot`, never a command meant for another bot in the group."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    head = text.split()[0][1:]
    name, _, mention = head.partition("@")
    if mention and (username is None or mention.lower() != username.lower()):
        return None
    return name.lower() or None
