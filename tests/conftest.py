"""Shared fixtures: content, a controllable clock, databases (SQLite and a real
PostgreSQL), and a fully wired coach."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.coach import Coach
from bot.config import PROJECT_ROOT
from bot.engine.content import Content
from bot.engine.loader import load_content
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from tests.support.clock import Clock
from tests.support.logs import LoggingState
from tests.support.mutants import quickest_first, under_mutation
from tests.support.postgres import PostgresServer, postgres_server

DIALOGS = PROJECT_ROOT / "dialogs"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`), the longest tests go out first: those marked slow
    (a minute or more), then the rest that run the real bot process. One handed out last
    would keep its worker busy long after the others ran out of work. Under `make mutate`
    the quickest go first (`tests.support.mutants`). A serial run keeps the files' order."""
    if hasattr(config, "workerinput"):
        items.sort(key=_longest_first)
    elif under_mutation():
        quickest_first(items)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`make test`'s `--dist loadgroup`: some modules whole to one worker
    (`tests.support.scheduling`); any other `--dist` is xdist's own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.support.scheduling import OneWorkerFor

    return OneWorkerFor(config, log)


def _longest_first(item: pytest.Item) -> int:
    if item.get_closest_marker("slow"):
        return 0
    return 1 if item.get_closest_marker("e2e") else 2


@pytest.fixture(autouse=True)
def _logging_left_as_found() -> Iterator[None]:
    """Fails the test that leaves logging configured (a root handler, a level, a filter):
    a later test would see another log, and under pytest-xdist "later" is any test at all
    (tests/support/logs.py). Such a test wraps its `setup_logging` in `restored_logging`."""
    before = LoggingState.now()
    yield
    changed = before.changes(LoggingState.now())
    before.restore()  # one failure, here, not another in whichever test comes next
    assert not changed, "this test left logging changed:\n" + "\n".join(changed)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(DIALOGS)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def pg() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run, with a migrated template."""
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_template(pg: PostgresServer) -> str:
    name = pg.create_database()
    asyncio.run(_migrate(pg.url(name)))
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process, copied for each test: migrating a fresh
    file costs ~0.4 s of CPU, copying it ~2 ms, and most tests start from an empty database.
    Migrations themselves are tested from empty files (`tests/storage/migrations.py`)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "attune.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    await migrate(engine)
    await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh migrated SQLite database of this test's own, a copy of the template."""
    path = tmp_path / "attune.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def postgres_url(pg: PostgresServer, pg_template: str) -> Iterator[str]:
    """A fresh migrated database, a copy of the template; dropped after the test."""
    name = pg.create_database(template=pg_template)
    yield pg.url(name)
    pg.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on SQLite and once on a real PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


async def migrated(url: str) -> AsyncIterator:
    engine = create_engine(url)
    await migrate(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def engine(sqlite_url: str) -> AsyncIterator:
    """A migrated engine on a fresh SQLite file."""
    async for engine in migrated(sqlite_url):
        yield engine


@pytest.fixture
async def db_engine(database_url: str) -> AsyncIterator:
    """A migrated engine on SQLite and on PostgreSQL (parametrised)."""
    async for engine in migrated(database_url):
        yield engine


@pytest.fixture
def coach(engine, content: Content, clock: Clock) -> Coach:
    """The fully wired coach on a fresh SQLite database."""
    return Coach(content, session_factory(engine), clock, features=FEATURES)
