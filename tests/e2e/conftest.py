from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.telegram_server import FakeBotApiServer


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    with FakeBotApiServer() as server:
        yield server
