"""Safety through the real `python -m bot run` process: a disclosure in the middle of a
conversation leaves the partner's chat silent while quiet mode is on, and a misread
message comes back with "That's not what I meant", exactly as written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.engine import callbacks
from tests.e2e.harness import running_bot
from tests.e2e.test_couples import link, press, shown
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e

DISCLOSURE = "he pushed me against the wall last night"
FALSE_ALARM = "He kills me with his puns, I laughed all evening"


def walk_to_first_question(fake, content, user) -> None:
    mark = fake.mark()
    user.send_command("/topics")
    shown(fake, user, callbacks.Topic("redefining").pack(), mark)
    user.press(callbacks.Topic("redefining").pack())
    for node in ("open", "surface"):
        press(fake, user, callbacks.Nav("redefining", node, 0).pack())
    user.wait_for_reply(content.dialogs["redefining"].nodes["familiar"].text["en"][:40])


def reflections(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT text FROM reflections")]


def test_a_disclosure_mid_conversation_keeps_the_partners_chat_silent(
    server: FakeBotApiServer, tmp_path: Path, content
) -> None:
    fake = server.core
    alex, sam = fake.user(901, "Alex"), fake.user(902, "Sam")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        link(fake, alex, sam)
        heard = len(sam.inbox())

        walk_to_first_question(fake, content, alex)
        alex.send_text(DISCLOSURE)
        reply = alex.wait_for_reply("Thank you for telling me").text
        assert "not your fault" in reply and "quiet mode" in reply
        alex.press("I'm safe right now")
        alex.wait_for_reply("Quiet mode stays on")

        # While quiet mode is on, even an answer Alex chooses to share stays with Alex.
        mark = fake.mark()
        alex.send_command("/topics")
        shown(fake, alex, callbacks.Topic("redefining").pack(), mark)
        alex.press(callbacks.Topic("redefining").pack())  # resumes at the question
        alex.wait_for_reply(content.dialogs["redefining"].nodes["familiar"].text["en"][:40])
        mark = fake.mark()
        alex.send_text("I miss our walks")
        share = callbacks.Share("redefining", "familiar", True).pack()
        shown(fake, alex, share, mark)
        alex.press(share)
        alex.wait_for_reply("Quiet mode is on")
        assert len(sam.inbox()) == heard, "nothing reaches Sam while Alex is quiet"
        assert bot.stop() == 0
    assert DISCLOSURE not in bot.log and "safety signal (violence)" in bot.log


def test_not_what_i_meant_resumes_with_the_text_kept(
    server: FakeBotApiServer, tmp_path: Path, content
) -> None:
    fake = server.core
    alex, sam = fake.user(911, "Alex"), fake.user(912, "Sam")
    database = tmp_path / "attune.db"
    with running_bot(server, f"sqlite+aiosqlite:///{database}", tmp_path / "bot.log") as bot:
        link(fake, alex, sam)
        heard = len(sam.inbox())
        walk_to_first_question(fake, content, alex)
        alex.send_text(FALSE_ALARM)
        alex.wait_for_reply("Thank you for telling me")
        mark = fake.mark()  # before the press: its turn answers and asks at once
        alex.press("That's not what I meant")
        alex.wait_for_reply("I misread that")
        keep = callbacks.Share("redefining", "familiar", False).pack()
        shown(fake, alex, keep, mark)  # the dialog took the message as the answer
        alex.press(keep)
        alex.wait_for_reply("Kept private")
        assert len(sam.inbox()) == heard
        assert bot.stop() == 0
    assert reflections(database) == [FALSE_ALARM]


def test_the_linking_safety_question_is_private(
    server: FakeBotApiServer, tmp_path: Path, content
) -> None:
    fake = server.core
    alex, sam = fake.user(921, "Alex"), fake.user(922, "Sam")
    database = tmp_path / "attune.db"
    with running_bot(server, f"sqlite+aiosqlite:///{database}", tmp_path / "bot.log") as bot:
        link(fake, alex, sam)
        assert "Do you feel safe with Alex?" in sam.last_text()
        assert "Do you feel safe with Sam?" in alex.last_text()
        heard = len(alex.inbox())
        sam.press("Not sure")
        reply = sam.wait_for_reply("Alex won't know").text
        assert "quiet mode" in reply and "findahelpline.com" in reply
        alex.press("Yes")
        alex.wait_for_reply("If that ever changes")
        assert len(alex.inbox()) == heard, "Alex learns nothing of Sam's answer"
        assert bot.stop() == 0
    with sqlite3.connect(database) as db:
        quiet = dict(db.execute("SELECT id, quiet FROM users"))
    assert quiet == {921: 0, 922: 1}
    assert "Not sure" not in bot.log


def test_the_repair_builder_refuses_to_frame_an_insult_as_gentle(
    server: FakeBotApiServer, tmp_path: Path, content
) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    fake = server.core
    alex, sam = fake.user(931, "Alex"), fake.user(932, "Sam")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        link(fake, alex, sam)
        heard = len(sam.inbox())
        alex.send_command("/cooldown")
        alex.wait_for_reply(en("cooldown_check"))
        alex.press(en("cooldown_check_none"))
        alex.wait_for_reply(en("cooldown_steady"))
        alex.press(en("cooldown_prepare_now"))
        alex.wait_for_reply(en("cooldown_topic_question"))
        alex.send_text("You are so selfish and lazy")
        refused = alex.wait_for_reply("I can hear how upset you are").text
        assert refused == en("cooldown_hostile", why=en("cooldown_hostile_label"))
        assert "gentle start:" not in " ".join(m.text or "" for m in alex.inbox())
        alex.send_text("you came home late yesterday without texting")
        alex.wait_for_reply(en("cooldown_feeling_question"))
        alex.press(en("cooldown_feeling_worried"))
        alex.wait_for_reply(en("cooldown_need_question"))
        alex.send_text("text each other when plans change")
        done = alex.wait_for_reply("Here is your gentle start").text
        assert "When you came home late yesterday without texting, I felt worried." in done
        assert "selfish" not in done
        assert len(sam.inbox()) == heard, "nothing goes before Alex chooses to send it"
        assert bot.stop() == 0
