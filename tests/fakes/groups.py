"""Groups: members, the bot joining and leaving, member checks and the privacy mode.

A group keeps who is in it. The bot is added by a user (directly or through a
``https://t.me/<bot>?startgroup=<payload>`` link), which queues the
``my_chat_member`` update and the ``new_chat_members`` service message as Telegram
does, and for a ``startgroup`` link also ``/start@<bot> <payload>`` from the adder.
``getChatMember`` and ``getChatMemberCount`` answer from that list. In the default
privacy mode the bot is sent only commands, replies to its own messages and service
messages; everything else people write in a group stays between them.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from tests.fakes.messages import MessagesMixin
from tests.fakes.protocol import JSON, api_method, bad_request, forbidden
from tests.fakes.records import UploadedFile
from tests.fakes.state import Chat

if TYPE_CHECKING:
    from tests.fakes.simulated import SimGroup

IN = frozenset({"creator", "administrator", "member"})
SUPERGROUP_BASE = 10**12
"""Supergroup ids are -100… followed by at least ten digits."""


def supergroup_id(group_id: int) -> int:
    """The id Telegram gives a group once it is a supergroup (here: derived from the old one)."""
    return -(SUPERGROUP_BASE + abs(group_id))


def _creator(chat: Chat) -> int:
    return next(uid for uid, status in chat.members.items() if status == "creator")


class GroupsMixin(MessagesMixin):
    """Groups the bot can be added to, with their members."""

    def new_group(
        self, id: int, title: str, creator: int, *members: int, with_bot: bool = False
    ) -> SimGroup:
        """A group a user created with some members; the bot is not in it unless `with_bot`."""
        from tests.fakes.simulated import SimGroup

        with self._lock:
            chat = Chat({"id": id, "type": "group", "title": title}, started=with_bot)
            chat.members = {creator: "creator", **dict.fromkeys(members, "member")}
            if with_bot:
                chat.members[self.bot_user["id"]] = "member"
            self._chats[id] = chat
            return SimGroup(self, id)  # type: ignore[arg-type]

    def add_bot(self, group_id: int, by: int) -> None:
        """`by` adds the bot to the group: my_chat_member, then the service message."""
        with self._lock:
            chat = self._chats[group_id]
            bot_id = self.bot_user["id"]
            if chat.members.get(bot_id) in IN:
                return
            chat.members[bot_id] = "member"
            chat.started = True
            self._member_change(chat, by, "left", "member")
            self._service(chat, by, {"new_chat_members": [self.bot_user]})

    def remove_bot(self, group_id: int, by: int) -> None:
        with self._lock:
            chat = self._chats[group_id]
            chat.members[self.bot_user["id"]] = "left"
            chat.started = False
            self._member_change(chat, by, "member", "left")

    def join(self, group_id: int, user_id: int, *, added_by: int | None = None) -> None:
        """A user joins (or is added by `added_by`); the bot sees the service message."""
        with self._lock:
            chat = self._chats[group_id]
            chat.members[user_id] = "member"
            user = self._users[user_id]
            self._service(chat, added_by or user_id, {"new_chat_members": [user]})

    def leave(self, group_id: int, user_id: int) -> None:
        with self._lock:
            chat = self._chats[group_id]
            chat.members[user_id] = "left"
            user = self._users[user_id]
            self._service(chat, user_id, {"left_chat_member": user})

    def migrate_to_supergroup(
        self, group_id: int, *, new_id: int | None = None, by: int | None = None
    ) -> SimGroup:
        """The group is upgraded to a supergroup, as Telegram does it: a new chat (``-100…``)
        with the same members and none of the old messages, a service message with
        ``migrate_to_chat_id`` in the old chat and one with ``migrate_from_chat_id`` in the
        new one (both from `by`, the creator by default). From then on anything sent to the
        old id fails with 400 and ``parameters.migrate_to_chat_id``."""
        from tests.fakes.simulated import SimGroup

        with self._lock:
            old = self._chats[group_id]
            if old.private or old.migrated_to is not None:
                raise ValueError(f"chat {group_id} is not a group that can be upgraded")
            new_id = new_id if new_id is not None else supergroup_id(group_id)
            by = by if by is not None else _creator(old)
            data = {**old.data, "id": new_id, "type": "supergroup"}
            new = Chat(data, started=old.started, members=dict(old.members))
            self._chats[new_id] = new
            self._service(old, by, {"migrate_to_chat_id": new_id})
            old.migrated_to = new_id
            self._service(new, by, {"migrate_from_chat_id": group_id})
            return SimGroup(self, new_id)  # type: ignore[arg-type]

    def repeat_migration(self, group_id: int) -> None:
        """Both migration service messages once more (Telegram may deliver an update twice)."""
        with self._lock:
            old = self._chats[group_id]
            new_id = old.migrated_to
            if new_id is None:
                raise ValueError(f"chat {group_id} was not upgraded")
            for chat_id, key, value in (
                (group_id, "migrate_to_chat_id", new_id),
                (new_id, "migrate_from_chat_id", group_id),
            ):
                stored = next(m for m in self._chats[chat_id].messages.values() if key in m.data)
                assert stored.data[key] == value
                self.push_update({"message": copy.deepcopy(stored.data)})

    def open_startgroup_link(self, url: str, user_id: int, group_id: int) -> None:
        """The user taps a `startgroup` link and picks this group: the bot joins, then
        Telegram sends `/start@<bot> <payload>` from the user in the group."""
        parsed = urlparse(url)
        username = self.bot_user["username"]
        payload = parse_qs(parsed.query).get("startgroup", [""])[0]
        if parsed.path.strip("/") != username or not payload:
            raise ValueError(f"not a startgroup link of this bot: {url}")
        self.add_bot(group_id, by=user_id)
        text = f"/start@{username} {payload}"
        self.user_message(group_id, user_id, {"text": text})

    # -- Bot API methods ----------------------------------------------------------------

    @api_method("getChatMember")
    def _get_chat_member(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._group(params)
        user_id = params.get("user_id")
        bot_id = self.bot_user["id"]
        if not isinstance(user_id, int) or (user_id not in self._users and user_id != bot_id):
            raise bad_request("PARTICIPANT_ID_INVALID")
        user = self.bot_user if user_id == bot_id else self._users[user_id]
        status = chat.members.get(user_id, "left")
        member: JSON = {"user": user, "status": status}
        if status == "kicked":
            member["until_date"] = 0
        if status == "creator":
            member["is_anonymous"] = False
        return member

    @api_method("getChatMemberCount")
    def _get_chat_member_count(self, params: JSON, files: dict[str, UploadedFile]) -> int:
        chat = self._group(params)
        return sum(1 for status in chat.members.values() if status in IN)

    # -- helpers ---------------------------------------------------------------------------

    def _group(self, params: JSON) -> Chat:
        chat = self._chat(params)
        if chat.private:
            raise bad_request("method is available only for supergroups and channel")
        if chat.members.get(self.bot_user["id"]) not in IN:
            raise forbidden("bot is not a member of the group chat")
        return chat

    def _member_change(self, chat: Chat, by: int, old: str, new: str) -> None:
        bot = self.bot_user
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.data,
                    "from": self._users[by],
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot, "status": old},
                    "new_chat_member": {"user": bot, "status": new},
                }
            }
        )

    def _service(self, chat: Chat, by: int, content: JSON) -> None:
        message = self._store_message(chat, content, sender=self._users[by])
        self.push_update({"message": message})
