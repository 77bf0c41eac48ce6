"""A couple question through the real bot: each answers privately, then both see both."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.content import Content
from tests.e2e.harness import running_bot
from tests.e2e.test_couples import SECRET, answer_first_question, link
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e


def test_a_couple_question_is_revealed_to_both_and_private_answers_never_leak(
    server: FakeBotApiServer, tmp_path: Path, content: Content
) -> None:
    fake = server.core
    alex, sam = fake.user(951, "Alex"), fake.user(952, "Sam")
    with running_bot(server, f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path / "bot.log"):
        for user in (alex, sam):
            user.send_command("/start")
            user.wait_for_reply("Attune")
        link(fake, alex, sam)
        answer_first_question(fake, content, alex, SECRET, share=False)
        alex.wait_for_reply("closest to you when")
        alex.send_text("When we cook dinner together")
        alex.wait_for_reply("hasn't answered this one yet")
        reminder = sam.wait_for_reply("answered a question for the two of you")
        assert "cook dinner" not in reminder.text

        sam.press("Answer now")
        sam.wait_for_reply("closest to you when")
        sam.send_text("On our slow Sunday walks")
        reveal_sam = sam.wait_for_reply("You both answered")
        reveal_alex = alex.wait_for_reply("You both answered")
    for reveal, mine, theirs in (
        (reveal_alex.text, "cook dinner", "Sunday walks"),
        (reveal_sam.text, "Sunday walks", "cook dinner"),
    ):
        assert mine in reveal.split("You:")[1].split("\n\n")[0] and theirs in reveal
    everything_sam_saw = sam.transcript()
    assert SECRET not in everything_sam_saw
