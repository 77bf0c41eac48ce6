"""The cooldown in the real bot process: a notice, a breathing cue on the clock,
and a crash during the break after which the return question still arrives."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.cooldown.models import CooldownTimer
from bot.engine.content import Content
from bot.storage.db import create_engine, session_factory
from bot.storage.types import utcnow
from tests.e2e.harness import running_bot
from tests.fakes.telegram_server import FakeBotApiServer
from tests.support.people import link_rows

pytestmark = pytest.mark.e2e


def in_database(url: str, work) -> None:
    """Change the database from outside, as an operator or a second process would."""

    async def run() -> None:
        engine = create_engine(url)
        try:
            await work(session_factory(engine))
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_a_break_survives_a_crash_of_the_bot(
    server: FakeBotApiServer, tmp_path: Path, content: Content
) -> None:
    en = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = server.core.user(711, "Alex"), server.core.user(712, "Sam")
    url = f"sqlite+aiosqlite:///{tmp_path / 'attune.db'}"
    with running_bot(server, url, tmp_path / "bot.log") as bot:
        for person in (alex, sam):
            person.send_command("/start")
            person.wait_for_reply("Let's get to know")
        in_database(url, lambda sessions: link_rows(sessions, alex.id, sam.id))

        alex.send_command("/cooldown")
        alex.wait_for_reply(en("cooldown_check"))
        alex.press(en("cooldown_sign_off", sign=en("cooldown_sign_heart")))
        alex.wait_for_reply(en("cooldown_check"))
        alex.press(en("cooldown_check_done"))
        alex.wait_for_reply(en("cooldown_flooded"))
        alex.press(en("cooldown_minutes", minutes=20))
        alex.wait_for_reply("Would you like me to let Sam know?")
        alex.press(en("cooldown_notice_send"))
        alex.wait_for_reply(en("cooldown_rest", when="in about 20 minutes"))
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
        alex.wait_for_reply(en("cooldown_ask"), timeout=15)
        alex.press(en("cooldown_more", minutes=15))
        sam.wait_for_reply("needs 15 more minutes")
        assert bot.stop() == 0
    asks = [m for m in alex.inbox() if m.text == en("cooldown_ask")]
    assert len(asks) == 1
    assert not [m for m in sam.inbox() if m.text and "Breathe" in m.text]
