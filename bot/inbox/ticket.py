"""The stored update a turn is answering, carried in a context variable.

The inbox worker sets a `Ticket` before the transport handles an update. The
coach, opening the turn's transaction, marks the stored update done inside
that same transaction (`claim` in `bot.inbox.store`): the effects and the
"handled" mark commit together or not at all. A second attempt at an update
already handled finds the mark taken and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Ticket:
    update_id: int
    attempt: int = 1
    last_attempt: bool = True
    """Only the last attempt apologises to the person when it fails."""
    marked: bool = False
    """A turn committed with this update marked done."""
    failed: BaseException | None = None
    """What went wrong while handling, if anything (set by the transport's error handler)."""


class AlreadyHandled(Exception):
    """The update was marked done by an earlier attempt: roll back, send nothing."""


_current: ContextVar[Ticket | None] = ContextVar("attune_inbox_ticket", default=None)


def current() -> Ticket | None:
    return _current.get()


@contextmanager
def holding(ticket: Ticket) -> Iterator[Ticket]:
    token = _current.set(ticket)
    try:
        yield ticket
    finally:
        _current.reset(token)
