"""Cooldown steps for the two-partner harness (`tests.support.people`): take a break,
run the timers, find the latest break."""

from __future__ import annotations

from bot.coach import Coach
from bot.turn import Outbound
from tests.support.people import Chat, Router


async def sweep(coach: Coach, router: Router) -> list[Outbound]:
    """Run the cooldown timer job once, as the transport's job queue would."""
    job = next(p for p in coach.periodic if p.name == "cooldown-timers")
    return router.deliver(await job.run())


async def take_break(chat: Chat, en, *, minutes: int = 20, signs: tuple[str, ...] = ("heart",)):
    """/cooldown, tick the given flooding signs, pick the length of the break."""
    await chat.command("cooldown")
    for sign in signs:
        await chat.press(en("cooldown_sign_off", sign=en(f"cooldown_sign_{sign}")))
    await chat.press(en("cooldown_check_done" if signs else "cooldown_check_none"))
    await chat.press(en("cooldown_minutes", minutes=minutes))


async def latest_cooldown(coach: Coach, user_id: int):
    from sqlmodel import col, select

    from bot.cooldown.models import Cooldown

    async with coach.sessions() as session:
        query = (
            select(Cooldown).where(Cooldown.user_id == user_id).order_by(col(Cooldown.id).desc())
        )
        return (await session.exec(query)).first()
