"""The coach's two paths: plain dialog turns on the fast path, everything else on the ORM.

A turn that needs the ORM session on the fast path is rolled back and run
again from the start, so the person sees one answer and the database holds
one write, whichever path finished the turn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from bot.coach import Coach
from bot.engine import callbacks
from bot.features import FEATURES
from bot.plugins import Command, Feature, FeatureContext, Handler
from bot.storage.db import session_factory
from bot.storage.models import DialogProgress, User
from bot.turn import Outbound, Turn
from tests.support.people import ALEX, KIM, SAM, buttons, link, texts
from tests.support.tables import table_rows

CORE_TABLES = ("users", "dialog_sessions", "dialog_progress", "reflections")


class CountingSessions:
    """Wraps a session factory to count the ORM sessions the coach opens."""

    def __init__(self, sessions: Callable[[], Any]) -> None:
        self.sessions = sessions
        self.opened = 0

    def __call__(self) -> Any:
        self.opened += 1
        return self.sessions()


def counted(coach: Coach) -> CountingSessions:
    counter = CountingSessions(coach.sessions)
    coach.sessions = counter  # type: ignore[assignment]
    return counter


async def test_dialog_steps_and_answers_need_no_orm_session(coach: Coach) -> None:
    sessions = counted(coach)
    outs = await coach.run_command(ALEX, "start")
    outs = await coach.press(ALEX, next(iter(buttons(outs, ALEX).values())))
    while buttons(outs, ALEX):
        outs = await coach.press(ALEX, next(iter(buttons(outs, ALEX).values())))
    outs = await coach.text(ALEX, "We keep missing each other in the evenings")
    assert texts(outs, ALEX), "the answer moved the conversation on"
    assert sessions.opened == 0


def with_command(coach: Coach, name: str, handler: Handler) -> Coach:
    """The same coach plus the smallest feature there is: one hidden command."""

    def probe(context: FeatureContext) -> Feature:
        return Feature("probe", commands={name: Command(handler, in_menu=False)})

    features = (*FEATURES, probe)
    return Coach(coach.content, coach.sessions, coach.clock, coach.settings, features=features)


async def test_a_feature_turn_runs_on_the_orm_path(coach: Coach) -> None:
    sessions = counted(coach)
    outs = await coach.run_command(ALEX, "invite")
    assert texts(outs, ALEX)
    assert sessions.opened == 1


async def test_work_before_the_switch_to_the_orm_path_is_not_done_twice(coach: Coach) -> None:
    runs: list[bool] = []

    async def probe(turn: Turn) -> None:
        runs.append(turn.orm_session is None)
        await turn.store.record_progress(turn.user.id, "safety", node="open", now=turn.now)
        turn.say("one answer")
        turn.session.add(turn.user)  # a feature's own write: needs the ORM session

    coach = with_command(coach, "probe", probe)
    outs = await coach.run_command(ALEX, "probe")
    assert runs == [True, False], "tried on the fast path, finished on the ORM path"
    assert [out.text for out in outs] == ["one answer"]
    async with coach.sessions() as s:
        rows = (await s.exec(select(DialogProgress))).all()
    assert [(row.user_id, row.dialog, row.node) for row in rows] == [
        (ALEX.user_id, "safety", "open")
    ]


async def test_a_change_to_the_person_is_kept_even_without_asking_for_the_session(
    coach: Coach,
) -> None:
    async def turkish(turn: Turn) -> None:
        turn.user.lang = "tr"  # on the ORM path the session notices this by itself

    coach = with_command(coach, "tr", turkish)
    await coach.run_command(ALEX, "tr")
    async with coach.sessions() as s:
        user = await s.get(User, ALEX.user_id)
        assert user is not None and user.lang == "tr"


async def test_a_failing_turn_rolls_back_on_the_fast_path(coach: Coach) -> None:
    async def boom(turn: Turn) -> None:
        await turn.store.record_progress(turn.user.id, "safety", node="open", now=turn.now)
        raise RuntimeError("bug")

    coach = with_command(coach, "boom", boom)
    with pytest.raises(RuntimeError):
        await coach.run_command(ALEX, "boom")
    async with coach.sessions() as s:
        assert (await s.exec(select(DialogProgress))).all() == []


async def test_someone_who_had_blocked_the_bot_is_welcomed_back(coach: Coach) -> None:
    await coach.run_command(ALEX, "help")
    async with coach.sessions() as s, s.begin():
        user = await s.get(User, ALEX.user_id)
        assert user is not None
        user.active = False
        s.add(user)
    assert texts(await coach.run_command(ALEX, "help"), ALEX)
    async with coach.sessions() as s:
        user = await s.get(User, ALEX.user_id)
        assert user is not None and user.active


async def test_text_waiting_screens_still_get_their_text(coach: Coach) -> None:
    """A name question is open: the reply is the name, not a dialog answer."""
    sessions = counted(coach)
    await coach.run_command(ALEX, "invite")
    before = sessions.opened
    outs = await coach.text(ALEX, "Alexandra")
    assert sessions.opened > before
    async with coach.sessions() as s:
        user = await s.get(User, ALEX.user_id)
        assert user is not None and user.display_name == "Alexandra"
    assert texts(outs, ALEX)


async def test_both_paths_answer_and_store_alike(engine, content, clock, tmp_path) -> None:
    """The same script, with and without the fast path: same replies, same rows."""
    from tests.conftest import migrated

    fast = Coach(content, session_factory(engine), clock, features=FEATURES)
    results = [await _script(fast), await table_rows(engine, CORE_TABLES)]
    async for other in migrated(f"sqlite+aiosqlite:///{tmp_path / 'orm.db'}"):
        slow = Coach(content, session_factory(other), clock, features=FEATURES)
        slow.direct = None
        assert [await _script(slow), await table_rows(other, CORE_TABLES)] == results


async def _script(coach: Coach) -> list[Outbound]:
    await link(coach, ALEX, KIM)
    said: list[Outbound] = []
    for person in (ALEX, SAM):
        said += await coach.run_command(person, "start")
        outs = await coach.press(person, callbacks.Topic("redefining").pack())
        for _ in range(14):
            said += outs
            labels = buttons(outs, person)
            outs = (
                await coach.press(person, next(iter(labels.values())))
                if labels
                else await coach.text(person, "Closer than last year, if I'm honest")
            )
        said += outs + await coach.run_command(person, "topics")
    return said
