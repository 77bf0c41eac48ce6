"""The world the fake Bot API keeps: chats with their messages, users, and the lock over both.

Every concern of the fake (messages, callbacks, updates, webhooks, files ...) is a mixin over
this state; ``FakeTelegram`` assembles them. One re-entrant lock guards everything, so the HTTP
server's threads, the bot's event loop and the test thread can share one instance.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.fakes.protocol import (
    BOT_FIRST_NAME,
    BOT_ID,
    BOT_USERNAME,
    JSON,
    bad_request,
    chat_migrated,
)

if TYPE_CHECKING:
    from tests.fakes.simulated import SimUser


@dataclass
class StoredMessage:
    """A message as the server keeps it, with its edit history."""

    data: JSON
    from_bot: bool
    edited: bool = False
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)


@dataclass
class Chat:
    """A private chat or group, what the bot may do there, and its messages."""

    data: JSON
    started: bool = False
    blocked: bool = False
    deactivated: bool = False
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    reply_keyboard: JSON | None = None
    members: dict[int, str] = field(default_factory=dict)
    """In a group: who is in it (user id -> status: creator, member, left, kicked); the bot
    counts as a member while it is in the group (see ``GroupsMixin``)."""
    migrated_to: int | None = None
    """A group upgraded to a supergroup: its new id; the old one only answers 400."""

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def private(self) -> bool:
        return self.data["type"] == "private"


class AsyncWaiter:
    """Lets a coroutine sleep until the (thread-based) fake changes, without blocking its loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # loop closed: nobody is waiting any more
            self.loop.call_soon_threadsafe(self.event.set)

    async def wait_until(self, deadline: float) -> None:
        """Sleep until woken or until the monotonic ``deadline``."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(deadline - time.monotonic(), 0.0)):
                await self.event.wait()


class FakeState:
    """Shared state and the wake-up machinery every concern of the fake builds on."""

    def __init__(self) -> None:
        self.bot_user: JSON = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
        }
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._async_waiters: set[AsyncWaiter] = set()
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, JSON] = {}
        self._sim_users: dict[int, SimUser] = {}

    def wake_waiters(self) -> None:
        """Make every blocked wait re-check its condition (e.g. a stopping server's abort flag)."""
        with self._lock:
            self._notify()

    def _notify(self) -> None:
        """Wake every thread and coroutine waiting for calls, updates or webhook changes."""
        self._cond.notify_all()
        for waiter in list(self._async_waiters):
            waiter.wake()

    @contextlib.contextmanager
    def _async_waiter(self) -> Iterator[AsyncWaiter]:
        """Register before checking state so that no wake-up can slip in between."""
        waiter = AsyncWaiter()
        with self._lock:
            self._async_waiters.add(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                self._async_waiters.discard(waiter)

    def _chat(self, params: JSON) -> Chat:
        """The chat a method addresses, or Telegram's 400 for a missing or unknown one."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise chat_migrated(chat.migrated_to)
        return chat

    def _preflight(self, name: str, params: JSON) -> None:
        """Checks that precede any method logic; ``FakeTelegram`` supplies them."""
