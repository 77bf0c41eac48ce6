"""Through the real bot process: a couple plays a love-maps round and completes an
exercise follow-up (planned with "We'll try it", asked with their next check-in,
both answers revealed to both)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.followups.models import ExerciseFollowup
from bot.nudges.models import NudgeSchedule
from bot.nudges.store import new_schedule
from bot.storage.db import create_engine, session_factory
from bot.storage.models import User
from tests.e2e.harness import running_bot
from tests.e2e.test_couples import link
from tests.fakes.simulated import SimUser
from tests.fakes.telegram_server import FakeBotApiServer

pytestmark = pytest.mark.e2e


def play_love_maps(user: SimUser, words: str) -> None:
    """Answer about yourself, then guess: the first choice, or a few words."""
    for prefix in ("lm|o|", "lm|g|"):
        asked = user.wait_for_reply("About you:" if prefix == "lm|o|" else "Now guess")
        choices = [b["callback_data"] for row in asked.keyboard for b in row]
        choices = [d for d in choices if d.startswith(prefix)]
        if choices:
            user.press(choices[0])
        else:
            user.send_text(words)


async def make_follow_ups_due(url: str, *people: int) -> None:
    """Fast-forward: the follow-ups' day has come, and each person's check-in is due now."""
    now = datetime.now(UTC)
    engine = create_engine(url)
    async with session_factory(engine)() as session, session.begin():
        await session.exec(
            update(ExerciseFollowup).values(not_before=now - timedelta(days=1))  # type: ignore[call-overload]
        )
        for user_id in people:
            user = await session.get(User, user_id)
            assert user is not None
            row = await session.get(NudgeSchedule, user_id) or new_schedule(user, now, "UTC")
            row.days, row.quiet_start, row.quiet_end = "0,1,2,3,4,5,6", None, None
            row.regular_due_at = row.next_due_at = now - timedelta(minutes=1)
            session.add(row)
    await engine.dispose()


def test_a_couple_plays_love_maps_and_completes_an_exercise_follow_up(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    fake = server.core
    alex, sam = fake.user(971, "Alex"), fake.user(972, "Sam")
    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    with running_bot(server, url, tmp_path / "bot.log", NUDGE_SWEEP_SECONDS="0.3"):
        for user in (alex, sam):
            user.send_command("/start")
            user.wait_for_reply("Attune")
        link(fake, alex, sam)

        alex.send_command("/lovemaps")
        alex.wait_for_reply("How deep shall we go?")
        alex.press("🌱 Light")
        play_love_maps(alex, "the sea")
        alex.wait_for_reply("as soon as Sam has played")
        sam.wait_for_reply("Your turn")
        sam.press("▶️ Play")
        play_love_maps(sam, "the mountains")
        reveal_sam = sam.wait_for_reply("You guessed:")
        reveal_alex = alex.wait_for_reply("You guessed:")
        assert "Alex" in reveal_sam.text and "Sam" in reveal_alex.text

        alex.send_command("/idea")
        idea = alex.wait_for_reply("An idea for the two of you")
        alex.press("💡 We'll try it")
        alex.wait_for_reply("I'll ask you and Sam in a few days")
        told = sam.wait_for_reply("would like to try this with you")
        assert idea.text.split("\n\n", 1)[1] in told.text

        asyncio.run(make_follow_ups_due(url, alex.id, sam.id))
        for user in (alex, sam):
            user.wait_for_reply("Did it happen?", timeout=20)
        alex.press("✅ Yes, it happened")
        alex.wait_for_reply("How did it feel?")
        alex.press("4")
        alex.wait_for_reply("once Sam has answered too")
        sam.press("✅ Yes, it happened")
        sam.wait_for_reply("How did it feel?")
        sam.press("5")
        shown_sam = sam.wait_for_reply("How it went")
        shown_alex = alex.wait_for_reply("How it went")
    assert "You: it happened — it felt 4/5\nSam: it happened — it felt 5/5" in shown_alex.text
    assert "You: it happened — it felt 5/5\nAlex: it happened — it felt 4/5" in shown_sam.text
    assert (
        alex.transcript().count("How it went") == 1 and sam.transcript().count("How it went") == 1
    )
