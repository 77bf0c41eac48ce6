"""What a transport tells a background job about each message it tried to send.

A job that must send something exactly once (the check-ins' delivery record,
`bot.delivery.record`) needs two moments from the transport: right before a
message really goes out (so it can claim the send in its own storage and
refuse a duplicate), and right after (so it can record what happened).
Transports call these hooks; jobs that do not care simply have none.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from bot.turn import Outbound


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"
    """The person blocked the bot (Telegram said Forbidden); they were marked inactive."""
    REFUSED = "refused"
    """Telegram rejected the message itself (BadRequest); sending it again would not help."""
    FAILED = "failed"
    """Certainly not sent (could not connect, flood limit not lifted); safe to try later."""
    UNKNOWN = "unknown"
    """The connection broke after the request left: it may or may not have arrived."""
    CANCELLED = "cancelled"
    """The job's `admit` hook said no (someone else owns this send now)."""
    SUPERSEDED = "superseded"
    """An edit replaced by a newer edit of the same message before it went out."""


class SendHooks(Protocol):
    async def admit(self, out: Outbound) -> bool:
        """Called once per message just before it is sent, after rate limiting.

        Return False to drop it. Must be idempotent: a retried request asks again.
        """
        ...

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        """Called once per admitted (or cancelled) message with what happened."""
        ...
