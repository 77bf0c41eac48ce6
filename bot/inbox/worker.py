"""Handle stored updates: many people at once, each person's updates one at a time, in order.

The worker claims lanes (people with waiting updates and no owner) and runs
one task per lane, which hands that person's updates to the transport one
after the other. Different people run side by side, up to `max_lanes`; the
transport's own bound (the update processor) limits turns in flight. This is
grammY's `sequentialize` with the queue kept in the database, so the order
survives a crash and holds across processes.

An update whose handling fails is tried again (up to `ATTEMPTS` times, with a
pause); only the last attempt apologises to the person. The turn itself marks
its update done (see `bot.inbox.ticket`); an update that needed no turn (a
group message, a block notice) is marked done here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.inbox.store import Inbox, Stored
from bot.inbox.ticket import Ticket, holding

log = logging.getLogger(__name__)

Dispatch = Callable[[Stored, Ticket], Awaitable[None]]
"""Hand one stored update to the transport; raises ValueError if it cannot be read."""

ATTEMPTS = 3
RETRY_SECONDS = 1.0
POLL_SECONDS = 1.0
"""How often to look for work without being woken (updates stored by another process)."""
STOP_GRACE_SECONDS = 5.0
PRUNE_EVERY = 3600.0


class InboxWorker:
    def __init__(
        self,
        inbox: Inbox,
        dispatch: Dispatch,
        *,
        max_lanes: int = 256,
        poll_seconds: float = POLL_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.inbox = inbox
        self.dispatch = dispatch
        self.max_lanes = max_lanes
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.handled = 0
        self.skipped = 0
        self.repeated = 0
        """Updates handed over again that were already done (nothing changed twice)."""
        self._wake = asyncio.Event()
        self._stopping = False
        self._lanes: dict[int, asyncio.Task[None]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def wake(self) -> None:
        """New updates were stored: look for work now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._claim_loop(), name="inbox-claim"),
            asyncio.create_task(self._renew_loop(), name="inbox-renew"),
        ]

    async def stop(self) -> None:
        """Finish the turns in flight (briefly), then give every lane back."""
        self._stopping = True
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        lanes = list(self._lanes.values())
        if lanes:
            _, late = await asyncio.wait(lanes, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.inbox.release_all()

    async def idle(self) -> None:
        """Wait until no lane is running (for tests)."""
        while self._lanes:
            await asyncio.gather(*list(self._lanes.values()), return_exceptions=True)

    # -- claiming -------------------------------------------------------------

    async def _claim_loop(self) -> None:
        failures = 0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            free = self.max_lanes - len(self._lanes)
            if free <= 0 or self._stopping:
                continue
            try:
                claimed = await self.inbox.claim(free)
                failures = 0
            except Exception:
                failures += 1
                log.warning("could not read the inbox (try %d); will retry", failures)
                await asyncio.sleep(min(30.0, 0.5 * 2**failures))
                continue
            for chat_id, rows in claimed.items():
                running = self._lanes.get(chat_id)
                if running is not None and running.done():
                    running = None
                self._lanes[chat_id] = asyncio.create_task(
                    self._lane(chat_id, rows, after=running), name=f"inbox-lane-{chat_id}"
                )
            if len(claimed) == free:
                self._wake.set()  # there may be more waiting

    async def _renew_loop(self) -> None:
        pruned_at = 0.0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            await asyncio.sleep(self.inbox.lease.total_seconds() / 3)
            try:
                await self.inbox.renew()
                if loop.time() - pruned_at > PRUNE_EVERY:
                    pruned_at = loop.time()
                    await self.inbox.prune()
            except Exception:
                log.warning("could not renew the inbox lanes; will retry")

    # -- one person's lane -------------------------------------------------------

    async def _lane(
        self, chat_id: int, rows: list[Stored], after: asyncio.Task[None] | None = None
    ) -> None:
        """Hand `rows`, then the person's next stored updates, one at a time.

        `after`: this process's own lane for the person is still running (its lease ran
        out under it, e.g. a renewal held up by a busy database, and the claim took the
        person again). A second lane beside it would hand the same updates over again and
        could overtake it; this one waits for it to end, then reads afresh what is still
        waiting (`rows` may be done by then)."""
        try:
            if after is not None:
                log.info("lane %s was claimed again while it ran; it follows itself", chat_id)
                await asyncio.wait([after])
                rows = await self.inbox.next_rows(chat_id, 0)
            while rows and not self._stopping:
                for row in rows:
                    if not await self._handle(row):
                        await self._hand_back(chat_id, row)
                        return
                    if self._stopping:
                        return
                rows = await self.inbox.next_rows(chat_id, rows[-1].update_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("a lane stopped; its updates wait for the lease to run out")
        finally:
            if self._lanes.get(chat_id) is asyncio.current_task():  # not a follower's
                del self._lanes[chat_id]
            self._wake.set()

    async def _hand_back(self, chat_id: int, row: Stored) -> None:
        """The update was done already, most likely by another process that took the
        person when this lane's lease ran out under it. Going on beside that process would
        answer the person's next messages from two places at once, and a reply could
        overtake the one before it; so this lane gives the person back: whoever owns them
        now goes on alone (when nobody does, the claim takes them again at once)."""
        log.info("lane %s found update %s done elsewhere; handed back", chat_id, row.update_id)
        await self.inbox.release(chat_id)

    async def _handle(self, row: Stored) -> bool:
        """Hand `row` over until it is handled, skipped or given up on; False when it was
        found done already (handled before, by an earlier attempt or another process)."""
        for attempt in range(row.attempts + 1, max(row.attempts, ATTEMPTS - 1) + 2):
            final = attempt >= ATTEMPTS
            ticket = Ticket(row.update_id, attempt, last_attempt=final)
            try:
                with holding(ticket):
                    await self.dispatch(row, ticket)
            except ValueError:
                log.warning("skipped update %s: it could not be read", row.update_id)
                self.skipped += 1
                await self.inbox.skip(row.update_id)
                return True
            if ticket.marked or ticket.failed is None:
                if ticket.marked or await self.inbox.finish(row.update_id):
                    self.handled += 1
                    return True
                # marked done before: by an earlier attempt, or another process
                log.info("update %s was handled before; not counted again", row.update_id)
                self.repeated += 1
                return False
            await self.inbox.failed_attempt(row.update_id, attempt, final=final)
            if final:
                log.warning("gave up on update %s after %d attempts", row.update_id, attempt)
                self.skipped += 1
                return True
            await asyncio.sleep(self.retry_seconds * attempt)
        return True
