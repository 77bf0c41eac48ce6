"""Processes on one PostgreSQL: exactly one fetches updates; the pace is shared."""

from __future__ import annotations

import asyncio

import pytest

from bot.cluster import Cluster, share
from bot.inbox.store import Inbox
from bot.storage.db import create_engine, session_factory
from tests.inbox.test_store import message


def test_together_the_processes_never_exceed_the_pace() -> None:
    assert share(28, 1) == 28
    for processes in range(2, 8):
        assert share(28, processes) * processes + 2 * processes <= 30
    assert share(28, 40) == 1.0, "never stalled completely"


@pytest.mark.postgres
async def test_one_process_polls_and_another_takes_over_when_it_stops(postgres_url: str) -> None:
    url = postgres_url
    polling: list[str] = []
    peers: dict[str, int] = {}
    woken: list[str] = []

    def member(name: str) -> tuple[Cluster, asyncio.Event]:
        cluster = Cluster(
            url,
            wake=lambda: woken.append(name),
            peers=lambda n: peers.__setitem__(name, n),
            check_seconds=0.05,
        )
        return cluster, asyncio.Event()

    def poller(name: str):
        async def run() -> None:
            polling.append(name)
            await asyncio.Event().wait()

        return run

    (first, stop_first), (second, stop_second) = member("first"), member("second")
    running_first = asyncio.create_task(first.run(stop_first, poller("first")))
    await until(lambda: polling == ["first"])
    running_second = asyncio.create_task(second.run(stop_second, poller("second")))
    await until(lambda: peers.get("second") == 2)
    await asyncio.sleep(0.3)
    assert polling == ["first"], "the second waits while the first holds the lock"

    engine = create_engine(url)
    await Inbox(session_factory(engine)).receive([message(1, 42)])
    await engine.dispose()
    await until(lambda: {"first", "second"} <= set(woken))

    stop_first.set()
    await running_first
    await until(lambda: polling == ["first", "second"])
    await until(lambda: peers.get("second") == 1)
    stop_second.set()
    await running_second


async def until(condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")
