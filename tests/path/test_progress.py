"""Progress is what the couple did together; nothing is ever shown as missed or broken."""

from __future__ import annotations

import re

from bot.engine.content import Content
from bot.storage import repo
from tests.lovemaps.conftest import play
from tests.support.people import ALEX, SAM, link, texts

GUILT = re.compile(r"\b(streak|missed|behind|broke|lost|failed|should have)\b", re.IGNORECASE)


async def finish(coach, person, dialog: str) -> None:
    async with coach.sessions() as session, session.begin():
        await repo.record_progress(
            session, person.user_id, dialog, node=None, now=coach.clock(), done=True
        )


async def test_progress_counts_what_the_two_of_you_did(coach) -> None:
    await link(coach, ALEX, SAM)
    [before] = texts(await coach.run_command(ALEX, "progress"), ALEX)
    assert "What you and Sam have done together" in before
    assert "Conversations finished: 0" in before and "Love-maps rounds: 0" in before
    await finish(coach, ALEX, "safety")
    await finish(coach, SAM, "safety")
    await finish(coach, SAM, "physical")
    await play(coach, ALEX, depth=1)
    await play(coach, SAM, depth=1)
    [after] = texts(await coach.run_command(ALEX, "progress"), ALEX)
    assert "Conversations finished: 2" in after and "Love-maps rounds: 1" in after
    [in_turkish] = texts(await coach.run_command(SAM, "progress"), SAM)
    assert "Biten sohbetler: 2" in in_turkish


async def test_progress_alone_counts_your_own_steps(coach) -> None:
    await coach.run_command(ALEX, "help")
    await finish(coach, ALEX, "safety")
    [alone] = texts(await coach.run_command(ALEX, "progress"), ALEX)
    assert alone.startswith("What you've done so far") and "Conversations finished: 1" in alone


async def test_coming_back_after_weeks_shows_what_was_done_never_what_was_missed(coach, clock):
    await link(coach, ALEX, SAM)
    await finish(coach, ALEX, "safety")
    await coach.run_command(ALEX, "progress")
    clock.advance(days=40)
    hello, counts = texts(await coach.run_command(ALEX, "progress"), ALEX)
    assert hello.startswith("Welcome back") and "Conversations finished: 1" in counts
    assert not GUILT.search(hello + counts)


def test_no_interface_text_speaks_of_streaks_or_missing_out(content: Content) -> None:
    for key, text in content.ui.items():
        if key.startswith(("path_", "followup_", "lovemaps_", "summary_", "nudge_", "idea_")):
            found = GUILT.search(text["en"].replace("No streaks to keep here", ""))
            assert found is None, f"{key}: {found}"
