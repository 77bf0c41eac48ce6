"""/idea: date and ritual ideas without repeats, by setting, and "We'll try it" plans one."""

from __future__ import annotations

from sqlmodel import select

from bot.config import PROJECT_ROOT
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.library.catalog import library_for
from tests.support.people import ALEX, SAM, link, texts


def idea_of(out) -> str:
    return out.text.split("\n\n", 1)[1]


def button(out, prefix: str) -> str:
    return next(b.data for row in out.keyboard for b in row if b.data.startswith(prefix))


async def test_ideas_do_not_repeat_until_all_were_offered(coach) -> None:
    ideas = library_for(PROJECT_ROOT / "data", ("en", "tr")).ideas
    [out] = await coach.run_command(ALEX, "idea")
    seen = [idea_of(out)]
    for _ in range(len(ideas) - 1):
        [out] = await coach.press(ALEX, button(out, "ix|n|all"))
        seen.append(idea_of(out))
    assert sorted(seen) == sorted(i.text["en"] for i in ideas)


async def test_ideas_for_one_setting_are_only_that_setting(coach) -> None:
    library = library_for(PROJECT_ROOT / "data", ("en", "tr"))
    far = {i.text["en"] for i in library.ideas if "long_distance" in i.settings}
    [out] = await coach.run_command(ALEX, "idea")
    for _ in range(6):
        [out] = await coach.press(ALEX, "ix|n|long_distance")
        assert idea_of(out) in far


async def test_well_try_an_idea_plans_a_follow_up_for_both(coach) -> None:
    await link(coach, ALEX, SAM)
    [out] = await coach.run_command(ALEX, "idea")
    outs = await coach.press(ALEX, button(out, "ix|t|"))
    chosen = [o for o in outs if o.chat_id == ALEX.chat_id]
    assert chosen[0].replace and "✓ You'll try it." in chosen[0].text
    assert "Alex" in texts(outs, SAM)[0]
    async with coach.sessions() as session:
        [plan] = (await session.exec(select(ExercisePlan))).all()
        assert plan.source == "idea"
        assert len((await session.exec(select(ExerciseFollowup))).all()) == 2


async def test_forged_idea_buttons_are_refused(coach) -> None:
    for data in ["ix|t|no_such_idea", "ix|n|moon", "ix|x"]:
        outs = await coach.press(ALEX, data)
        assert len(outs) == 1 and outs[0].notice
