"""The Talk Table in the real bot process: two partners and a group on the fake Bot API.

One whole talk (three rounds), with a press by the wrong partner, "Not quite", a pause
the bot is killed during and that still comes back once after the restart, both notes
revealed in one message; the group messages of that talk are counted against
Telegram's ~20 a minute per group. Then a group with a third member (told once),
and a safety signal in a reflection (the table closes quietly for both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.engine.content import Content
from bot.storage.types import utcnow
from bot.table.models import TalkTable
from tests.e2e.harness import in_database, running_bot
from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.flood import FloodLimits
from tests.fakes.records import Call
from tests.fakes.simulated import SimGroup, SimUser
from tests.fakes.telegram_core import FakeTelegram
from tests.fakes.telegram_server import FakeBotApiServer
from tests.support.people import link_rows

pytestmark = pytest.mark.e2e


@pytest.fixture
def server() -> Iterator[FakeBotApiServer]:
    """Telegram's limits, the group's ~20 a minute included: these partners act at machine
    speed (a whole talk in seconds), so the bot's own group pace has to hold its messages
    back, across the restart too, and Telegram never answers 429."""
    limits = FloodLimits()
    assert limits.group_per_minute == 20
    with FakeBotApiServer(FakeTelegram(flood=limits)) as server:
        yield server


GROUP, OTHER = -100700, -100701
LINK = re.compile(r"https://t\.me/\w+\?startgroup=\w+")
ROUNDS = 3


class Room:
    """The group as both partners see it: act, then wait for the bot's answer there."""

    def __init__(self, server: FakeBotApiServer, group: SimGroup) -> None:
        self.fake = server.core
        self.group = group

    def wait(self, contains: str, since: int, timeout: float = 90.0) -> Call:
        """Up to 90 s: the group's minute budget may hold the answer back (see `server`)."""

        def said(call: Call) -> bool:
            return (
                call.ok
                and call.chat_id == self.group.id
                and call.method in OUTPUT_METHODS
                and contains in (call.text or "")
            )

        return self.fake.wait_for(said, timeout, since=since)

    def press(self, user: SimUser, label: str, then: str) -> Call:
        mark = self.fake.mark()
        self.group.press(user, label)
        return self.wait(then, mark)

    def reply(self, user: SimUser, text: str, then: str) -> Call:
        mark = self.fake.mark()
        newest = self.group.inbox()[-1]
        self.group.reply(user, newest.message_id, text)
        return self.wait(then, mark)

    def toast(self, user: SimUser, label: str) -> str | None:
        mark = self.fake.mark()
        update = self.group.press(user, label)
        query = update["callback_query"]["id"]
        self.fake.wait_for(
            lambda c: c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query,
            10,
            since=mark,
        )
        answer = self.fake.callback_answer(query)
        return answer.get("text") if answer else None


def group_sends(server: FakeBotApiServer, chat_id: int, since: int = 0) -> list[Call]:
    return [
        c
        for c in server.core.calls[since:]
        if c.ok and c.chat_id == chat_id and c.method == "sendMessage"
    ]


def most_in_a_minute(calls: list[Call]) -> int:
    times = sorted(c.at for c in calls)
    return max((sum(1 for u in times if t <= u < t + 60) for t in times), default=0)


@pytest.mark.slow
def test_a_whole_talk_with_a_pause_across_a_restart(
    server: FakeBotApiServer, tmp_path: Path, content: Content
) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    tr = lambda key, **v: content.t(key, "tr", **v)  # noqa: E731
    fake = server.core
    alex, sam = fake.user(731, "Alex"), fake.user(732, "Sam", language_code="tr")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        for person in (alex, sam):
            person.send_command("/start")
            person.wait_for_reply()
        in_database(url, lambda sessions: link_rows(sessions, alex.id, sam.id))
        alex.send_command("/talk")
        found = LINK.search(alex.wait_for_reply("startgroup=").text or "")
        assert found is not None

        room = Room(server, fake.new_group(GROUP, "Us", alex.id, sam.id))
        start = fake.mark()
        fake.open_startgroup_link(found.group(), alex.id, GROUP)
        room.wait(en("table_hello", a="Alex", b="Sam")[:20], start)
        room.press(alex, en("table_start_button"), en("table_topic", a="Alex", b="Sam"))
        sam.wait_for_reply(tr("table_private_prep", partner="Alex")[:20])
        room.press(sam, en("table_topic_question"), "🎤 Alex has the floor")
        assert room.toast(sam, en("table_said_button")) == tr("table_not_your_turn")

        room.press(alex, en("table_said_button"), "🎧 Sam, say back")
        room.reply(sam, "You feel rushed in the mornings", "Alex, is that what you meant?")
        room.press(alex, en("table_not_quite_button"), "Alex, say it once more")
        speakers = [(alex, sam), (sam, alex)]
        for turn in range(2 * ROUNDS):
            speaker, listener = speakers[turn % 2]
            room.press(speaker, en("table_said_button"), f"🎧 {listener.info['first_name']}")
            room.reply(listener, "What I heard is…", "is that what you meant?")
            if turn == 2:  # a pause, and the bot dies during it
                room.press(listener, en("table_pause_button", minutes=20), "needs a pause")
                words = tr if listener is sam else en  # each reads their own language
                listener.wait_for_reply(words("table_pause_private", minutes=20)[:20])
                bot.kill()

                async def due_now(sessions) -> None:
                    async with sessions() as session, session.begin():
                        await session.exec(update(TalkTable).values(paused_until=utcnow()))

                in_database(url, due_now)
                mark = fake.mark()
                bot.start()
                # a deadline, not a pace: the restart and the pause sweep (every 5 s)
                # take far longer on a loaded machine (parallel tests, shared cores)
                room.wait(en("table_back"), mark, timeout=60)
            last = turn == 2 * ROUNDS - 1
            then = "Let's close here" if last else f"🎤 {listener.info['first_name']} has the floor"
            room.press(speaker, en("table_yes_button"), then)

        mark = fake.mark()
        alex.send_text("Sam needs quiet mornings")
        sam.send_text("Alex wants us to plan together")
        room.wait("What you understood today", mark)
        alex.wait_for_reply(en("table_understood_shown")[:10])
        assert bot.stop() == 0

    backs = [c for c in group_sends(server, GROUP) if en("table_back") in (c.text or "")]
    assert len(backs) == 1  # the pause came back once, after the restart
    reveals = [c for c in group_sends(server, GROUP) if "What you understood" in (c.text or "")]
    assert len(reveals) == 1
    assert "Alex: Sam needs quiet mornings" in (reveals[0].text or "")
    assert "Sam: Alex wants us to plan together" in (reveals[0].text or "")
    sends = group_sends(server, GROUP, start)
    # hello, a confirm question under each of 7 reflections, the return, the reveal
    assert len(sends) == 10, [c.text for c in sends]
    edits = [c for c in fake.calls[start:] if c.method == "editMessageText" and c.chat_id == GROUP]
    shown = [c for c in sends + edits if c.ok]
    refused = [(c.method, c.chat_id) for c in fake.calls if "Too Many" in str(c.error or "")]
    assert refused == [], "the group's pace kept to Telegram's limits"
    busiest = most_in_a_minute(shown)
    assert busiest <= 20
    print(
        f"\ngroup messages in a full talk: {len(sends)} sent + {len(edits)} edited, "
        f"at most {busiest} in a minute"
    )


def test_a_third_member_and_a_safety_signal(
    server: FakeBotApiServer, tmp_path: Path, content: Content
) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    fake = server.core
    alex, sam, kim = fake.user(741, "Alex"), fake.user(742, "Sam"), fake.user(743, "Kim")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        for person in (alex, sam, kim):
            person.send_command("/start")
            person.wait_for_reply()
        in_database(url, lambda sessions: link_rows(sessions, alex.id, sam.id))

        crowded = Room(server, fake.new_group(OTHER, "Friends", alex.id, sam.id, kim.id))
        mark = fake.mark()
        fake.add_bot(OTHER, by=alex.id)
        crowded.wait(en("table_refused")[:20], mark)
        crowded.group.send_command(sam, "talk", mention_bot=True)
        crowded.group.send_command(kim, "talk")

        room = Room(server, fake.new_group(GROUP, "Us", alex.id, sam.id))
        mark = fake.mark()
        fake.add_bot(GROUP, by=sam.id)
        room.wait(en("table_hello", a="Sam", b="Alex")[:20], mark)
        room.press(sam, en("table_start_button"), en("table_topic", a="Sam", b="Alex"))
        room.press(alex, en("table_topic_ours"), "🎤 Sam has the floor")
        room.press(sam, en("table_said_button"), "🎧 Alex, say back")
        mark = fake.mark()
        newest = room.group.inbox()[-1]
        room.group.reply(alex, newest.message_id, "I want to kill myself")
        room.wait(en("table_closed"), mark)
        alex.wait_for_reply()  # the resources, privately
        assert bot.stop() == 0

    assert [c.text for c in group_sends(server, OTHER)] == [en("table_refused")]
    said = [c.text or "" for c in group_sends(server, GROUP)]
    assert said[-1] == en("table_closed") and all("kill" not in s for s in said)
    to_alex = [c.text or "" for c in fake.sent_to(alex.id)]
    assert any("988" in t or "help" in t.lower() for t in to_alex[-1:])
    to_sam = [c.text or "" for c in fake.sent_to(sam.id)]
    assert all("kill" not in t and "safe" not in t.lower() for t in to_sam)
