"""Group commit: writes asked for while one is running go together in the next one.

A wave of check-ins asks the database twice per message (admit, then done),
each time in a transaction of its own; on SQLite every one of them queues for
the single writer behind the turns of people talking. `GroupCommit` keeps the
meaning of each call — it returns only once its own write is committed — but
while one flush runs, the calls that arrive wait and then go together in the
next flush. Alone, a call is flushed at once, as before; under load, many
calls share one transaction.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

Flush = Callable[[Sequence[T]], Awaitable[Sequence[R]]]
"""Writes every item in one transaction and returns one result per item, in order."""


class GroupCommit(Generic[T, R]):
    def __init__(self, flush: Flush[T, R], *, limit: int = 200) -> None:
        self._flush = flush
        self.limit = limit
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Returns once `item` is written (with its result), or raises what writing it raised."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._running is None:
            self._running = asyncio.create_task(self._drain())
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[: self.limit], self._pending[self.limit :]
                await self._write(batch)
        finally:
            self._running = None

    async def _write(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc=exc)
                return
            log.warning(
                "a grouped write failed (%s); writing its items one by one", type(exc).__name__
            )
            for entry in batch:
                await self._write([entry])
            return
        for (_, future), result in zip(batch, results, strict=True):
            _settle(future, result=result)


def _settle(
    future: asyncio.Future[R], *, result: R | None = None, exc: BaseException | None = None
) -> None:
    if future.done():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)  # type: ignore[arg-type]
