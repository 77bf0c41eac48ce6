"""Every guided conversation, walked through the real bot process, in both languages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.engine.content import Content
from tests.e2e.harness import running_bot
from tests.fakes.simulated import SimUser
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e
QUIET = 0.15  # seconds without new bot output: the bot has finished answering


STILL_COMING = 3.0
"""How long a press that only edited its own message may take to bring the next step."""


def settle(server: FakeBotApiServer, user: SimUser) -> None:
    """Wait for the bot's reply to the last action, then until it stops talking.

    A press first edits its message (the ✓ and no buttons) and then sends the
    next step; on a busy machine the two can be further apart than `QUIET`.
    An edited message without buttons is never where a step ends, so then
    the wait goes on for the next message.
    """
    user.wait_for_reply()
    seen = len(server.core.calls)
    deadline = time.monotonic() + QUIET
    patience = time.monotonic() + STILL_COMING
    while time.monotonic() < deadline or (_half_done(user) and time.monotonic() < patience):
        time.sleep(0.02)
        if len(server.core.calls) != seen:
            seen, deadline = len(server.core.calls), time.monotonic() + QUIET


def _half_done(user: SimUser) -> bool:
    last = user.inbox()[-1]
    return last.edited and not last.keyboard


def walk(server: FakeBotApiServer, user: SimUser, content: Content, lang: str, topic: str) -> None:
    done_labels = {content.t("all_topics", lang)}
    title = content.title(topic, lang)
    user.send_command("/topics")
    settle(server, user)
    user.press(next(b for b in user.inbox()[-1].button_texts if b.endswith(title)))
    settle(server, user)
    for _ in range(40):
        buttons = user.inbox()[-1].button_texts
        if done_labels & set(buttons):
            return
        if buttons:
            user.press(buttons[-1])  # the last choice, to cover other branches than the unit walk
        else:
            user.send_text("Something honest and kind, in my own words.")
        settle(server, user)
    raise AssertionError(f"{topic} did not end:\n{user.transcript()}")


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_conversation_walks_to_its_end(
    server: FakeBotApiServer, tmp_path: Path, content: Content, lang: str
) -> None:
    user = server.core.user(900 + len(lang), "Ada", language_code=lang)
    with running_bot(server, f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path / "bot.log"):
        user.send_command("/start")
        settle(server, user)
        for topic in content.topics:
            walk(server, user, content, lang, topic)
        user.send_command("/topics")
        settle(server, user)
        assert content.t("topics_all_done", lang) in user.last_text()
        menu = user.inbox()[-1]
        topic_buttons = [
            b["text"] for row in menu.keyboard for b in row if b["callback_data"].startswith("t|")
        ]
        assert len(topic_buttons) == len(content.topics)
        assert all(content.t("status_done", lang) in b for b in topic_buttons)
