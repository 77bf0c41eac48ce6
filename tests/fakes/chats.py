"""Users and chats: who exists, whether the bot may write to them, and membership changes."""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING

from tests.fakes.protocol import JSON, api_method, bad_request, forbidden
from tests.fakes.records import UploadedFile
from tests.fakes.state import Chat
from tests.fakes.updates import UpdatesMixin

if TYPE_CHECKING:
    from tests.fakes.simulated import SimGroup, SimUser

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class ChatsMixin(UpdatesMixin):
    """A private chat opens when its user writes first; blocking and leaving answer 403."""

    def user(
        self,
        id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimUser:
        """A simulated private-chat user (created on first use, same object afterwards)."""
        from tests.fakes.simulated import SimUser

        with self._lock:
            if id not in self._sim_users:
                user = {"id": id, "is_bot": False, "first_name": first_name}
                extra = {"last_name": last_name, "username": username}
                user.update({k: v for k, v in extra.items() if v is not None})
                if language_code is not None:
                    user["language_code"] = language_code
                self._users[id] = user
                chat = {"id": id, "type": "private", "first_name": first_name}
                chat.update({k: v for k, v in extra.items() if v is not None})
                self._chats[id] = Chat(chat)
                self._sim_users[id] = SimUser(self, id)
            return self._sim_users[id]

    def group(self, id: int, title: str = "Test group", *, kind: str = "group") -> SimGroup:
        """A group chat the bot is a member of; users act in it through the returned helper."""
        from tests.fakes.simulated import SimGroup

        with self._lock:
            if id not in self._chats:
                chat = Chat({"id": id, "type": kind, "title": title}, started=True)
                chat.members[self.bot_user["id"]] = "member"
                self._chats[id] = chat
            return SimGroup(self, id)

    def user_info(self, user_id: int) -> JSON:
        """The Bot API ``User`` object of a simulated user."""
        with self._lock:
            return copy.deepcopy(self._users[user_id])

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: later sends get 403 and a my_chat_member update is queued."""
        with self._lock:
            chat = self._chats[user_id]
            if not chat.blocked and notify:
                self._push_member_update(chat, user_id, "member", "kicked")
            chat.blocked = True

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        """The user restarts the bot (also happens implicitly when they write again)."""
        with self._lock:
            chat = self._chats[user_id]
            if chat.blocked and notify:
                self._push_member_update(chat, user_id, "kicked", "member")
            chat.blocked = False

    def deactivate(self, user_id: int) -> None:
        """The user deletes their account: later sends get 403 "user is deactivated"."""
        with self._lock:
            self._chats[user_id].deactivated = True

    def _push_member_update(self, chat: Chat, user_id: int, old: str, new: str) -> None:
        new_member: JSON = {"user": self.bot_user, "status": new}
        if new == "kicked":
            new_member["until_date"] = 0
        old_member: JSON = {"user": self.bot_user, "status": old}
        if old == "kicked":
            old_member["until_date"] = 0
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat.data,
                    "from": self._users[user_id],
                    "date": int(time.time()),
                    "old_chat_member": old_member,
                    "new_chat_member": new_member,
                }
            }
        )

    def _writable_chat(self, params: JSON) -> Chat:
        """The target chat, if the bot may post there right now (else the real 403/400)."""
        chat = self._chat(params)
        if chat.deactivated:
            raise forbidden("user is deactivated")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return chat

    @api_method("getChat")
    def _get_chat(self, params: JSON, files: dict[str, UploadedFile]) -> JSON:
        chat = self._chat(params)
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            True,
        )
        return {
            **chat.data,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    @api_method("sendChatAction")
    def _send_chat_action(self, params: JSON, files: dict[str, UploadedFile]) -> bool:
        self._writable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True
