"""The delivery record's own guard: a claim never acts on a row that changed since it was read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import and_, bindparam

from bot.delivery.record import ClaimConflict, Retry, guarded_update, send_hooks
from bot.sending import Outcome
from bot.storage import repo
from bot.storage.db import session_factory
from bot.storage.models import User
from bot.turn import Outbound

NOW = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)
USERS = User.__table__


async def test_a_batch_with_one_stale_row_is_refused_whole(engine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        for uid in (1, 2):
            await repo.ensure_user(s, uid, uid, "P", "en", NOW)
    still = and_(USERS.c.id == bindparam("b_id"), USERS.c.first_name == bindparam("b_name"))
    params = [
        {"b_id": 1, "b_name": "P", "first_name": "A"},
        {"b_id": 2, "b_name": "changed meanwhile", "first_name": "B"},
    ]
    with pytest.raises(ClaimConflict) as refused:
        async with sessions() as s, s.begin():
            await guarded_update(s, USERS, still, params)
    assert str(refused.value) == "1 rows changed while claiming", "what the job's log shows"
    async with sessions() as s:
        assert [(await s.get(User, uid)).first_name for uid in (1, 2)] == ["P", "P"]
    async with sessions() as s, s.begin():
        await guarded_update(s, USERS, still, params[:1])
    async with sessions() as s:
        assert (await s.get(User, 1)).first_name == "A"


class Hooks:
    """A record's send hooks that says yes or no to every message, and notes the outcomes."""

    def __init__(self, admits: bool) -> None:
        self.admits = admits
        self.outcomes: list[Outcome] = []

    async def admit(self, out: Outbound) -> bool:
        return self.admits

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


async def test_several_records_behind_one_transport_send_only_what_each_admits() -> None:
    """A job's record and the outbox share a transport: a message either one refuses (it
    lost the claim, or its moment passed) is not sent, whichever of them refuses it."""
    out = Outbound(1, 1, "hello")
    for first, second in ((True, False), (False, True)):
        assert not await send_hooks(Hooks(first), Hooks(second)).admit(out)
    yes, also = Hooks(True), Hooks(True)
    both = send_hooks(yes, None, also, yes)
    assert await both.admit(out)
    await both.done(out, Outcome.SENT)
    assert (yes.outcomes, also.outcomes) == ([Outcome.SENT], [Outcome.SENT]), "each told once"
    assert send_hooks(None, yes, yes) is yes and send_hooks(None) is None


def test_a_failed_message_waits_two_seconds_then_twice_as_long_each_time_up_to_15_minutes():
    pauses = [Retry().pause(attempts) for attempts in (1, 2, 3, 9, 10, 100)]
    assert pauses == [timedelta(seconds=s) for s in (2, 4, 8, 512, 900, 900)]
