"""Two simulated partners and a stranger against the real `python -m bot run` process:
link, refuse a third, share and keep private, a safety message, /mydata, /unlink,
/forget, and a partner who blocks the bot. No token and no private text in the log."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from bot.engine import callbacks
from bot.engine.content import Content
from tests.e2e.harness import running_bot
from tests.fakes.simulated import SimUser
from tests.fakes.telegram_core import BOT_USERNAME, DEFAULT_TOKEN, FakeTelegram
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e

LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)")
SECRET = "My secret worry about money that I keep to myself"
SHARED = "I miss our long Sunday breakfasts"
WORRYING = "Sometimes I want to kill myself"


def shown(fake: FakeTelegram, user: SimUser, data: str, since: int) -> None:
    """Wait until the bot has shown `user` a button with callback data `data`."""
    fake.wait_for(
        lambda c: c.ok and c.chat_id == user.id and data in json.dumps(c.params), since=since
    )


def press(fake: FakeTelegram, user: SimUser, data: str) -> None:
    shown(fake, user, data, since=0)
    user.press(data)


def link(fake: FakeTelegram, alex: SimUser, sam: SimUser, *, first_time: bool = True) -> str:
    """Alex invites, Sam opens the link; the first time, both choose their names."""
    alex.send_command("/invite")
    if first_time:
        alex.wait_for_reply("What name should I use")
        alex.press("Use “Alex”")
    code = LINK.search(alex.wait_for_reply("Here's your invite").text).group(1)
    sam.send_command("/start", code)  # what Telegram sends when Sam opens the t.me link
    if first_time:
        sam.wait_for_reply("What name should I use")
        sam.press("Use “Sam”")
    sam.wait_for_reply("You're now linked with Alex")
    alex.wait_for_reply("Sam accepted your invite")
    return code


def answer_first_question(
    fake: FakeTelegram, content: Content, user: SimUser, text: str, share: bool
) -> None:
    mark = fake.mark()
    user.send_command("/topics")
    shown(fake, user, callbacks.Topic("redefining").pack(), mark)
    user.press(callbacks.Topic("redefining").pack())
    for node in ("open", "surface"):
        press(fake, user, callbacks.Nav("redefining", node, 0).pack())
    question = content.dialogs["redefining"].nodes["familiar"].text["en"]
    user.wait_for_reply(question[:40])
    user.send_text(text)
    mark = fake.mark()
    share_data = callbacks.Share("redefining", "familiar", share).pack()
    shown(fake, user, share_data, mark)
    user.press(share_data)
    user.wait_for_reply("On its way to" if share else "Kept private")


def db_active(database: Path, user_id: int) -> bool:
    with sqlite3.connect(database) as db:
        return bool(db.execute("SELECT active FROM users WHERE id = ?", (user_id,)).fetchone()[0])


def outbox_settled(database: Path) -> bool:
    """No message the bot decided is still waiting to be sent (or being sent)."""
    with sqlite3.connect(database) as db:
        query = "SELECT count(*) FROM outbox_messages WHERE status IN ('claimed', 'sending')"
        return db.execute(query).fetchone()[0] == 0


def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_two_partners_end_to_end(server: FakeBotApiServer, tmp_path: Path, content) -> None:
    fake = server.core
    alex, sam, kim = fake.user(801, "Alex"), fake.user(802, "Sam"), fake.user(803, "Kim")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        code = link(fake, alex, sam)

        kim.send_command("/start", code)  # a third person with the used link
        kim.wait_for_reply("already been used")

        heard = len(sam.inbox())
        answer_first_question(fake, content, alex, SECRET, share=False)
        assert len(sam.inbox()) == heard, "a private answer never reaches Sam"
        answer_first_question(fake, content, sam, SHARED, share=True)
        assert SHARED in alex.wait_for_reply(SHARED).text

        heard = len(alex.inbox())
        sam.send_text(WORRYING)
        assert "findahelpline.com" in sam.wait_for_reply("Thank you for telling me").text
        sam.press("I'm safe right now")
        sam.wait_for_reply("I'm glad you're safe")
        assert len(alex.inbox()) == heard, "nothing about it goes to Alex"

        alex.send_command("/mydata")
        message = alex.wait_for_reply("Everything Attune stores about you")
        data = json.loads(fake.files[message.document["file_id"]].data)
        assert [r["text"] for r in data["tables"]["reflections"]] == [SECRET]
        assert SHARED not in json.dumps(data), "Sam's answer is Sam's"

        alex.send_command("/unlink")
        alex.wait_for_reply("End the link with Sam?")
        alex.press("Yes, end the link")
        sam.wait_for_reply("Your link with Alex has ended")

        link(fake, alex, sam, first_time=False)
        sam.send_command("/forget")
        sam.wait_for_reply("This deletes everything")
        sam.press("Delete everything")
        sam.wait_for_reply("everything about you has been deleted")
        ended = alex.wait_for_reply("Your link with Sam has ended").text
        assert "delete" not in ended.lower()
        assert bot.stop() == 0
    log = bot.log
    assert DEFAULT_TOKEN not in log and DEFAULT_TOKEN.split(":")[1] not in log
    for private in (SECRET, SHARED, WORRYING, code):
        assert private not in log
    assert "safety signal (self_harm)" in log


def test_a_partner_who_blocks_the_bot(server: FakeBotApiServer, tmp_path: Path, content) -> None:
    fake = server.core
    alex, sam = fake.user(811, "Alex"), fake.user(812, "Sam")
    database = tmp_path / "attune.db"
    with running_bot(server, f"sqlite+aiosqlite:///{database}", tmp_path / "bot.log") as bot:
        link(fake, alex, sam)

        # Sam blocks without Telegram telling us: the next send fails with 403 (Forbidden).
        fake.block(sam.id, notify=False)
        alex.send_command("/unlink")
        alex.wait_for_reply("End the link with Sam?")
        alex.press("Keep the link")
        alex.wait_for_reply("nothing has changed")
        answer_first_question(fake, content, alex, SHARED, share=True)
        until(lambda: not db_active(database, sam.id))
        failed = [c for c in fake.sent_to(sam.id, include_failed=True) if not c.ok]
        assert [c.error.code for c in failed] == [403]

        # Now nothing is attempted for Sam; Alex gets a neutral note instead.
        attempts = len(fake.sent_to(sam.id, include_failed=True))
        alex.send_command("/unlink")
        alex.wait_for_reply("End the link with Sam?")
        alex.press("Yes, end the link")
        alex.wait_for_reply("Your link with Sam has ended")
        until(lambda: outbox_settled(database))  # everything the turn decided was sent
        assert len(fake.sent_to(sam.id, include_failed=True)) == attempts

        # Sam comes back: writing again makes Sam reachable.
        sam.send_command("/help")
        sam.wait_for_reply("Here's what I can do")
        assert db_active(database, sam.id)

        # Blocking with Telegram's my_chat_member notice marks Sam inactive at once.
        sam.block()
        until(lambda: not db_active(database, sam.id))
        assert bot.stop() == 0
