"""Start-up retries: wait for what is not there yet, give up in one line."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy.exc import OperationalError

from bot.startup import StartupFailed, unreachable, with_retries


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def failing(times: int, error: Exception) -> tuple[list[int], object]:
    calls: list[int] = []

    async def attempt() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "ready"

    return calls, attempt


async def test_a_server_that_answers_late_is_waited_for_with_growing_pauses() -> None:
    time = FakeTime()
    calls, attempt = failing(4, ConnectionRefusedError(111, "refused"))
    result = await with_retries("the db", attempt, 60, sleep=time.sleep, clock=time.clock)
    assert result == "ready" and len(calls) == 5
    assert time.pauses == [0.5, 1.0, 2.0, 4.0]


async def test_pauses_stop_growing_and_the_budget_ends_in_one_line() -> None:
    time = FakeTime()
    calls, attempt = failing(1000, ConnectionRefusedError(111, "Connect call failed"))
    with pytest.raises(StartupFailed) as caught:
        await with_retries("the db", attempt, 30, sleep=time.sleep, clock=time.clock)
    assert max(time.pauses) == 10.0
    assert sum(time.pauses) == pytest.approx(30)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("the db is unreachable (ConnectionRefusedError: [Errno 111]")
    assert f"gave up after {len(calls)} attempts in 30 s" in message


async def test_an_error_that_waiting_cannot_fix_is_raised_at_once() -> None:
    time = FakeTime()
    calls, attempt = failing(1, PermissionError("password authentication failed"))
    with pytest.raises(PermissionError):
        await with_retries("the db", attempt, 60, sleep=time.sleep, clock=time.clock)
    assert len(calls) == 1 and time.pauses == []


async def test_one_warning_however_long_the_wait(caplog: pytest.LogCaptureFixture) -> None:
    time = FakeTime()
    _, attempt = failing(6, TimeoutError())
    await with_retries("the db", attempt, 60, sleep=time.sleep, clock=time.clock)
    assert [r.getMessage() for r in caplog.records] == [
        "the db is unreachable (TimeoutError); trying again for up to 60 s"
    ]


class CannotConnectNowError(Exception):
    """Named like asyncpg's answer from a PostgreSQL that is still starting."""


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConnectionRefusedError(), True),
        (socket.gaierror(-2, "Name or service not known"), True),
        (TimeoutError(), True),
        (OperationalError("connect", {}, CannotConnectNowError("starting up")), True),
        (OperationalError("select", {}, ValueError("no such table")), False),
        (FileNotFoundError("/nope"), False),
    ],
)
def test_what_counts_as_not_there_yet(error: Exception, expected: bool) -> None:
    assert unreachable(error) is expected
