"""One paced sender with two lanes: replies to someone waiting go first.

Every message-like request (send*, edit*, copy*, forward*) waits for a slot
from one `Pacer`, which draws on one `Budget` shared by both lanes:

- **the whole bot**: never more than `per_second` slots in any one second,
  counted the way Telegram (and the strict fake) counts — a sliding window,
  any second — and evenly spaced by a token bucket with a small burst. The
  default (25/s, Settings) leaves a margin under Telegram's 30 for the
  jitter between the moment a slot is given and the moment the request
  arrives.
- **each chat**: about one message a second with a small burst; a person's own
  action (an update from that chat) gives the chat a person's worth of time
  back, as Telegram tolerates quick replies to someone who just wrote.
  Groups also get at most `group_per_minute` in any minute, edits included.

When several requests wait, a reply (the REPLY lane: answers to a person's
own update) always takes the next slot before a background message (the BULK
lane: check-ins, reminders, weekly pictures), so a 2,000-check-in wave only
uses what replies leave. A waiter whose chat must wait does not hold up
other chats. `answerCallbackQuery` and the other non-message methods are not
paced at all.

A message can carry a `SendGuard` (as PTB's `rate_limit_args`): it names the
lane and is asked right before the request goes on the wire — after the wait
for a slot — so a sender can mark the message "being sent" as late as
possible and a crash while waiting loses nothing. Asking the guard takes a
database write, which may stall; a slot whose request is late is counted
again at the moment it really leaves (`Pacer.settle`), so stalled sends that
resume together never crowd one second.

A flood wait (429 RetryAfter) pauses the chat it answered for the time
Telegram asks; when a second chat is refused while one such pause is on (or
the request named no chat) it was the whole bot's limit, and every chat
pauses. Then the request is tried again (up to `max_retries` times).
"""

from __future__ import annotations

import asyncio
import math
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

ChatKey = int | str | None
"""A chat id (negative or "@name" for groups and channels); None when a request names none."""

WINDOW = 1.0
"""Telegram's global limit counts the messages of any one second."""
GROUP_WINDOW = 60.0
GROUP_MARGIN = 1.0
"""Extra seconds on the group window: a slot given at the window's edge may arrive late."""
HUMAN_SECONDS = 3.0
"""What a person's own action gives their chat back (the time a real one takes to read and tap)."""
SETTLE_TOLERANCE = 0.05
"""A slot used later than this after it was given is counted again when it leaves."""
GLOBAL_EVIDENCE = 2.0
"""Two chats refused within this many seconds: it was the whole bot's limit, not one chat's."""


class Lane(IntEnum):
    REPLY = 0
    BULK = 1


class SendCancelled(Exception):
    """The guard refused: the sender no longer wants this message sent."""


@dataclass
class SendGuard:
    """Asks `admit` once; later calls (retries after a flood wait) reuse the answer."""

    admit: Callable[[], Awaitable[bool]]
    lane: Lane = Lane.REPLY
    once: bool = False
    """One request per admission: a flood wait is not retried here but handed back
    (RetryAfter), for the sender's record to try again with a new admission."""
    _answer: bool | None = field(default=None, init=False)

    async def check(self) -> bool:
        if self._answer is None:
            self._answer = await self.admit()
        return self._answer

    @property
    def asked(self) -> bool:
        return self._answer is not None


PACED_PREFIXES = ("send", "edit", "copy", "forward")
"""Methods that put something in a chat; Telegram's flood limit counts these."""


def paced(endpoint: str) -> bool:
    return endpoint.startswith(PACED_PREFIXES) and endpoint != "sendChatAction"


def is_group(chat: ChatKey) -> bool:
    """Groups and channels have negative ids (or an @username for a public one)."""
    return isinstance(chat, str) or (chat is not None and chat < 0)


@dataclass(frozen=True)
class Limits:
    """What the bot allows itself; each a little under what Telegram allows."""

    per_second: float = 25.0
    burst: int = 2
    chat_per_second: float = 1.0
    """0 switches per-chat pacing off."""
    chat_burst: int = 5
    group_per_minute: int = 20
    """0 switches the group minute window off."""

    @property
    def window_cap(self) -> int:
        """Slots in any one second: the pace, rounded down (at least one)."""
        return max(1, math.floor(self.per_second))


@dataclass
class Grant:
    """One slot given: when it was last counted, and for which chat."""

    at: float
    chat: ChatKey


@dataclass
class _Chat:
    tokens: float
    updated: float
    paused_until: float = 0.0
    minute: deque[float] = field(default_factory=deque)


class Budget:
    """The bookkeeping of the pace, with the time always passed in (pure; no clock, no loop).

    `ready_at` says when a slot for a chat may be given, `spend` gives it,
    `settle` counts a late slot again at the moment it really leaves.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._tokens = float(limits.burst)
        self._updated: float | None = None
        self._window: deque[float] = deque()
        """When each slot of the last second was counted, oldest first."""
        self._paused_until = 0.0
        self._chats: dict[ChatKey, _Chat] = {}
        self._refusals: dict[ChatKey, float] = {}

    # -- the whole bot ----------------------------------------------------------------

    def _refill(self, now: float) -> None:
        if self._updated is not None and now > self._updated:
            gained = (now - self._updated) * self.limits.per_second
            self._tokens = min(self.limits.burst, self._tokens + gained)
        if self._updated is None or now > self._updated:
            self._updated = now

    def _trim(self, now: float) -> None:
        while self._window and self._window[0] <= now - WINDOW:
            self._window.popleft()

    def global_ready_at(self, now: float) -> float:
        """The earliest time the whole bot may send one more."""
        self._refill(now)
        self._trim(now)
        at = max(now, self._paused_until)
        if self._tokens < 1:
            at = max(at, now + (1 - self._tokens) / self.limits.per_second)
        if len(self._window) >= self.limits.window_cap:
            excess = len(self._window) - self.limits.window_cap
            at = max(at, self._window[excess] + WINDOW)
        return at

    # -- one chat ------------------------------------------------------------------------

    def _chat(self, chat: ChatKey, now: float) -> _Chat | None:
        if chat is None:
            return None
        state = self._chats.get(chat)
        if state is None:
            state = self._chats[chat] = _Chat(float(self.limits.chat_burst), now)
        elif now > state.updated:
            gained = (now - state.updated) * self.limits.chat_per_second
            state.tokens = min(self.limits.chat_burst, state.tokens + gained)
            state.updated = now
        if is_group(chat) and self.limits.group_per_minute:
            while state.minute and state.minute[0] <= now - GROUP_WINDOW - GROUP_MARGIN:
                state.minute.popleft()
        return state

    def chat_ready_at(self, chat: ChatKey, now: float) -> float:
        """The earliest time this chat may get one more (ignoring the whole bot's limit)."""
        state = self._chat(chat, now)
        if state is None:
            return now
        at = max(now, state.paused_until)
        rate = self.limits.chat_per_second
        if rate and state.tokens < 1:
            at = max(at, now + (1 - state.tokens) / rate)
        cap = self.limits.group_per_minute
        if cap and is_group(chat) and len(state.minute) >= cap:
            excess = len(state.minute) - cap
            at = max(at, state.minute[excess] + GROUP_WINDOW + GROUP_MARGIN)
        return at

    def ready_at(self, chat: ChatKey, now: float) -> float:
        return max(self.global_ready_at(now), self.chat_ready_at(chat, now))

    def person_acted(self, chat: ChatKey, now: float) -> None:
        """Someone wrote or tapped in `chat`: a reply or two may follow at once."""
        state = self._chat(chat, now)
        if state is not None and self.limits.chat_per_second:
            credit = HUMAN_SECONDS * self.limits.chat_per_second
            state.tokens = min(self.limits.chat_burst, state.tokens + credit)

    # -- giving, settling, giving back ---------------------------------------------------

    def spend(self, chat: ChatKey, now: float) -> Grant:
        """Give a slot now (the caller checked `ready_at(chat, now) <= now`)."""
        self._refill(now)
        self._tokens -= 1
        self._window.append(now)
        state = self._chat(chat, now)
        if state is not None:
            if self.limits.chat_per_second:
                state.tokens -= 1
            if is_group(chat) and self.limits.group_per_minute:
                state.minute.append(now)
        return Grant(now, chat)

    def settle(self, grant: Grant, now: float) -> bool:
        """The slot's request leaves now: count it now, not when it was given.

        Returns whether it may leave at once: False while the last second,
        with it counted at `now`, holds more than the cap (stalled slots
        resuming together); ask again at `settle_at`.
        """
        if now - grant.at > SETTLE_TOLERANCE:
            self._move(grant, now)
        self._trim(now)
        return len(self._window) <= self.limits.window_cap

    def settle_at(self, now: float) -> float:
        """When a settled slot may leave: once enough of the last second has passed."""
        self._trim(now)
        excess = len(self._window) - self.limits.window_cap
        return now if excess <= 0 else self._window[excess - 1] + WINDOW

    def _move(self, grant: Grant, now: float) -> None:
        with suppress(ValueError):  # unless it has left the window already
            self._window.remove(grant.at)
        self._window.append(now)
        state = self._chats.get(grant.chat)
        if state is not None and is_group(grant.chat) and state.minute:
            with suppress(ValueError):
                state.minute.remove(grant.at)
            state.minute.append(now)
        grant.at = now

    def refund(self, grant: Grant) -> None:
        """A slot given but never used (its waiter gave up): it does not count."""
        with suppress(ValueError):
            self._window.remove(grant.at)
        self._tokens = min(self.limits.burst, self._tokens + 1)
        state = self._chats.get(grant.chat)
        if state is not None:
            state.tokens = min(self.limits.chat_burst, state.tokens + 1)
            if grant.at in state.minute:
                state.minute.remove(grant.at)

    # -- flood waits ------------------------------------------------------------------

    def refused(self, chat: ChatKey, seconds: float, now: float) -> bool:
        """Telegram said "retry after `seconds`" to a request for `chat`.

        Pauses that chat; pauses everything when the request named no chat or
        another chat was refused within `GLOBAL_EVIDENCE` seconds (one chat's
        limit does not refuse two chats). Returns whether everything paused.
        """
        until = now + seconds
        others = any(
            key != chat and at > now - GLOBAL_EVIDENCE for key, at in self._refusals.items()
        )
        self._refusals = {k: at for k, at in self._refusals.items() if at > now - GLOBAL_EVIDENCE}
        self._refusals[chat] = now
        if chat is not None:
            state = self._chat(chat, now)
            assert state is not None
            state.paused_until = max(state.paused_until, until)
            state.tokens = min(state.tokens, 0.0)
        if chat is None or others:
            self._paused_until = max(self._paused_until, until)
            self._tokens = min(self._tokens, 1.0)
            return True
        return False

    def paused_until(self, chat: ChatKey = None) -> float:
        """Until when `chat` (None: the whole bot) is paused by a flood wait."""
        if chat is None:
            return self._paused_until
        state = self._chats.get(chat)
        return max(self._paused_until, state.paused_until if state else 0.0)


@dataclass(eq=False)
class _Waiter:
    future: asyncio.Future[Grant]
    chat: ChatKey


class Pacer:
    """Hands out the `Budget`'s slots on the event loop; lower lanes first, every chat in order."""

    def __init__(self, rate: float, burst: int = 2, limits: Limits | None = None) -> None:
        base = limits if limits is not None else Limits()
        self.budget = Budget(replace(base, per_second=rate, burst=burst))
        self._queues: tuple[deque[_Waiter], ...] = tuple(deque() for _ in Lane)
        self._settling: deque[asyncio.Future[None]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self.granted: list[Lane] = []
        """Lanes in the order slots were given (kept short; for tests and the bench)."""
        self.log: list[tuple[str, Lane]] | None = None
        """When a list: every ("ask", lane) and ("got", lane), in the order they happened."""

    @property
    def rate(self) -> float:
        return self.budget.limits.per_second

    @rate.setter
    def rate(self, value: float) -> None:
        """Several processes share the pace (`bot.cluster.share`)."""
        limits = self.budget.limits
        self.budget.limits = replace(limits, per_second=value)

    @property
    def limits(self) -> Limits:
        return self.budget.limits

    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def slot(self, lane: Lane, chat: ChatKey = None) -> Grant:
        """Wait for a slot for `chat` in `lane`; the returned grant is spent (or given back)."""
        if self.log is not None:
            self.log.append(("ask", lane))
        now = self._now()
        if not self.waiting() and self.budget.ready_at(chat, now) <= now:
            self._note(lane)
            return self.budget.spend(chat, now)
        loop = asyncio.get_running_loop()
        waiter = _Waiter(loop.create_future(), chat)
        self._queues[lane].append(waiter)
        self._reschedule()  # this chat may be ready before the ones already waiting
        try:
            return await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():
                self.budget.refund(waiter.future.result())  # granted, then abandoned
            elif waiter in self._queues[lane]:
                self._queues[lane].remove(waiter)
            raise

    async def settle(self, grant: Grant) -> None:
        """The request of `grant` leaves now; if it was held up, it may wait a moment more."""
        if self.budget.settle(grant, self._now()):
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._settling.append(future)
        self._schedule()
        await future

    def person_acted(self, chat: ChatKey) -> None:
        """An update from `chat` arrived: its person is waiting for a reply."""
        self.budget.person_acted(chat, self._now())

    def refused(self, chat: ChatKey, seconds: float) -> bool:
        """A 429 for `chat`: pause it (or everyone: see `Budget.refused`)."""
        everyone = self.budget.refused(chat, seconds, self._now())
        self._reschedule()
        return everyone

    def pause(self, seconds: float) -> None:
        """Telegram asked the whole bot for a break: no slot for anyone until it is over."""
        self.budget.refused(None, seconds, self._now())
        self._reschedule()

    def waiting(self) -> int:
        return sum(len(q) for q in self._queues)

    def _note(self, lane: Lane) -> None:
        """At the moment the slot is given (a waiter may resume later)."""
        if self.log is not None:
            self.log.append(("got", lane))
        self.granted.append(lane)
        if len(self.granted) > 10_000:
            del self.granted[:5_000]

    def _reschedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None or not (self.waiting() or self._settling):
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_at(self._next_at(loop.time()), self._release)

    def _next_at(self, now: float) -> float:
        budget = self.budget
        if self._settling:
            return budget.settle_at(now)
        at = budget.global_ready_at(now)
        chats = {w.chat for q in self._queues for w in q if not w.future.done()}
        return max(at, min((budget.chat_ready_at(c, now) for c in chats), default=at))

    def _release(self) -> None:
        self._timer = None
        now = self._now()
        while self._settling and self.budget.settle_at(now) <= now:
            future = self._settling.popleft()
            if not future.done():
                future.set_result(None)  # counted already, when it settled
        if not self._settling:
            self._give(now)
        self._schedule()

    def _give(self, now: float) -> None:
        """Slots to waiters, lane by lane, oldest first, skipping chats that must wait."""
        budget = self.budget
        for lane in Lane:
            queue = self._queues[lane]
            held: set[ChatKey] = set()
            for waiter in list(queue):
                if waiter.future.done():
                    queue.remove(waiter)
                    continue
                if budget.global_ready_at(now) > now:
                    return
                if waiter.chat in held or budget.chat_ready_at(waiter.chat, now) > now:
                    held.add(waiter.chat)  # later messages to this chat keep their order
                    continue
                queue.remove(waiter)
                waiter.future.set_result(budget.spend(waiter.chat, now))
                self._note(lane)


class GuardedRateLimiter(BaseRateLimiter[Any]):
    """PTB's rate limiter hook, pacing message-like requests through one `Pacer`."""

    def __init__(
        self,
        messages_per_second: float,
        burst: int = 2,
        max_retries: int = 3,
        limits: Limits | None = None,
    ) -> None:
        self.pacer = Pacer(messages_per_second, burst, limits)
        self.max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if not paced(endpoint):
            return await callback(*args, **kwargs)
        guard = rate_limit_args if isinstance(rate_limit_args, SendGuard) else None
        lane = rate_limit_args if isinstance(rate_limit_args, Lane) else Lane.REPLY
        if guard is not None:
            lane = guard.lane
        chat = _chat_of(data)
        for attempt in range(self.max_retries + 1):
            grant = await self.pacer.slot(lane, chat)
            if guard is not None:
                try:
                    admitted = await guard.check()
                except BaseException:
                    self.pacer.budget.refund(grant)
                    raise
                if not admitted:
                    self.pacer.budget.refund(grant)
                    raise SendCancelled
            await self.pacer.settle(grant)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pacer.refused(chat, _seconds(exc))
                if attempt == self.max_retries or (guard is not None and guard.once):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover


def _chat_of(data: dict[str, Any] | None) -> ChatKey:
    """The chat a request writes to; PTB may pass the id as int or as text."""
    chat = (data or {}).get("chat_id")
    if isinstance(chat, str):
        try:
            return int(chat)
        except ValueError:
            return chat
    return chat if isinstance(chat, int) else None


def _seconds(exc: RetryAfter) -> float:
    """PTB is moving `retry_after` from int to timedelta; accept both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
