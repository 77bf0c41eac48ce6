"""/forget in the real process: afterwards the words are in no database file.

Everything a person wrote passes through more than one table on its way (the
inbox holds an update until it is handled, the outbox a message until it is
sent, the answers their text), and SQLite's WAL keeps old page versions. So
this reads the raw bytes of the database, its WAL and shared memory while the
bot keeps running, right after /forget is confirmed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.couples.test_forget_on_disk import on_disk
from tests.e2e.harness import running_bot
from tests.e2e.test_couples import answer_first_question, link
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e

SHARED = "Velvet-Anchovy-Lantern we both love"
"""Shared with Sam: it also went through the outbox as a message to Sam."""


def test_forgotten_words_are_gone_from_the_files_of_the_running_bot(
    server: FakeBotApiServer, tmp_path: Path, content
) -> None:
    fake = server.core
    database = tmp_path / "attune.db"
    alex, sam = fake.user(971, "Alex"), fake.user(972, "Sam")
    with running_bot(server, f"sqlite+aiosqlite:///{database}", tmp_path / "bot.log") as bot:
        for user in (alex, sam):
            user.send_command("/start")
            user.wait_for_reply("Attune")
        link(fake, alex, sam)
        answer_first_question(fake, content, alex, SHARED, share=True)
        sam.wait_for_reply(SHARED)
        assert on_disk(database, SHARED), "the words were written"

        alex.send_command("/forget")
        alex.wait_for_reply("Delete everything?")
        alex.press("Delete everything")
        alex.wait_for_reply("everything about you has been deleted")
        sam.wait_for_reply("ended")

        found = on_disk(database, SHARED)
        assert bot.stop() == 0
    assert found == []
