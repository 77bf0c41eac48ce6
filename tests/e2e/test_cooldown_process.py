"""The cooldown in the real bot process: a notice, a breathing cue on the clock,
and a crash during the break after which the return question still arrives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cooldown.models import CooldownTimer
from bot.engine.content import Content
from bot.storage.types import utcnow
from tests.e2e.harness import in_database, running_bot, start_as_a_couple, take_a_break
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e


def test_a_break_survives_a_crash_of_the_bot(
    server: FakeBotApiServer, tmp_path: Path, content: Content
) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = server.core.user(711, "Alex"), server.core.user(712, "Sam")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        start_as_a_couple(url, alex, sam)
        take_a_break(alex, "Sam", content, tell_partner=True)
        notice = en("cooldown_notice", name="Alex", when="in about 20 minutes")
        assert notice in [m.text for m in sam.inbox()]

        alex.press(en("cooldown_breathe"))
        alex.wait_for_reply(en("cooldown_breath_out"), timeout=15)  # about 4 s later

        bot.kill()  # a crash in the middle of the break
        # twenty minutes pass while the bot is down: the timer row is now due

        async def due_now(sessions) -> None:
            async with sessions() as session, session.begin():
                await session.exec(
                    update(CooldownTimer)
                    .where(CooldownTimer.kind == "return")
                    .values(due_at=utcnow())
                )

        in_database(url, due_now)
        bot.start()
        # the sweep runs every second; the margin is for a loaded machine (15 s ran out once
        # at load 10, the restarted process's first sweeps queued behind its start-up)
        alex.wait_for_reply(en("cooldown_ask"), timeout=45)
        alex.press(en("cooldown_more", minutes=15))
        sam.wait_for_reply("needs 15 more minutes")
        assert bot.stop() == 0
    asks = [m for m in alex.inbox() if m.text == en("cooldown_ask")]
    assert len(asks) == 1
    assert not [m for m in sam.inbox() if m.text and "Breathe" in m.text]
