"""The load bench's own harness works (no timing here: figures belong to `make bench`)."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from pathlib import Path

from tests.bench.load.people import Crowd, Pace
from tests.bench.load.report import percentile
from tests.bench.load.scenarios import Config, lineup, sqlite_urls, start_bots
from tests.bench.load.telegram import FarTelegram


async def test_a_few_people_walk_a_dialog_with_attune_and_the_anchor(tmp_path: Path) -> None:
    config = Config(rtt=0.01, people=3, think=(0.05, 0.2), steps=4)
    with ExitStack() as stack:
        bots = start_bots(stack, config, tmp_path, sqlite_urls(tmp_path))
        run = lineup(bots, config.people, config.steady_pace)
        await run.talk()
        figures = run.figures()
    assert [f.bot for f in figures] == ["attune", "anchor"]
    for crowd, result in zip(run.crowds, figures, strict=True):
        assert [s.kind for s in crowd.steps if s.person == crowd.first_id] == [
            "start",
            "press",
            "text",
            "press",
        ]
        assert (result.steps, result.lost, result.too_many) == (12, 0, 0)
        assert all(latency > 0 for latency in result.latencies)
        assert result.calls_per_update >= 1


async def test_a_person_is_answered_when_the_first_message_reaches_their_chat() -> None:
    fake = FarTelegram(rtt=0.0, limit=None)
    crowd = Crowd(fake, 1, Pace(think=(0.0, 0.0), steps=1, patience=5.0))

    async def bot() -> None:
        (update,) = await fake.call_async("getUpdates", {"timeout": 5})
        chat = update["message"]["chat"]["id"]
        fake.call("sendMessage", {"chat_id": chat, "text": "hello"})
        fake.call("sendMessage", {"chat_id": chat, "text": "and more"})

    steps, _ = await asyncio.gather(crowd.run(), bot())
    (step,) = steps
    first = fake.calls_to("sendMessage")[0]
    assert step.kind == "start" and step.answered == first.at and step.sent < first.at


async def test_a_step_nobody_answers_is_lost_and_the_person_stops_talking() -> None:
    fake = FarTelegram(rtt=0.0, limit=None)
    crowd = Crowd(fake, 2, Pace(think=(0.0, 0.0), steps=3, patience=0.1))
    steps = await crowd.run()
    assert [(s.gave_up, s.latency) for s in steps] == [(True, None), (True, None)]
    assert len(fake.pending_updates()) == 2


async def test_an_answer_after_the_person_gave_up_is_late_not_lost() -> None:
    fake = FarTelegram(rtt=0.0, limit=None)
    crowd = Crowd(fake, 1, Pace(think=(0.0, 0.0), steps=3, patience=0.3))

    async def slow_bot() -> None:
        (update,) = await fake.call_async("getUpdates", {"timeout": 5})
        while not (crowd.steps and crowd.steps[0].gave_up):  # noqa: ASYNC110 - a plain dataclass
            await asyncio.sleep(0.01)
        fake.call("sendMessage", {"chat_id": update["message"]["chat"]["id"], "text": "sorry"})

    (step,), _ = await asyncio.gather(crowd.run(), slow_bot())
    assert step.gave_up and step.answered == fake.calls_to("sendMessage")[0].at


async def test_an_answer_after_the_crowd_is_done_is_found_late() -> None:
    fake = FarTelegram(rtt=0.0, limit=None)
    crowd = Crowd(fake, 1, Pace(think=(0.0, 0.0), steps=2, patience=0.05))
    (step,) = await crowd.run()
    (update,) = fake.pending_updates()
    fake.call("sendMessage", {"chat_id": update["message"]["chat"]["id"], "text": "at last"})
    assert crowd.reconcile() == 1
    assert step.gave_up and step.answered == fake.calls_to("sendMessage")[0].at


def test_percentiles_are_nearest_rank() -> None:
    values = [0.1 * i for i in range(1, 101)]
    assert percentile(values, 50) == values[49]
    assert percentile(values, 99) == values[98]
    assert percentile([3.0], 99) == 3.0
