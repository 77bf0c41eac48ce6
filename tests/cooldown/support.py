"""Two simulated partners talking to one coach, and a way to run its timers.

`Chat` keeps everything a person received, so tests read like a conversation:
press a button by its label, type text, look at the newest message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach import Coach
from bot.storage.models import Couple, User
from bot.turn import Outbound, Person


class Router:
    """Delivers a coach's answers to the chat each one is addressed to."""

    def __init__(self) -> None:
        self.chats: dict[int, Chat] = {}

    def deliver(self, outs: list[Outbound]) -> list[Outbound]:
        for out in outs:
            self.chats[out.chat_id].inbox.append(out)
        return outs


@dataclass
class Chat:
    coach: Coach
    person: Person
    router: Router
    inbox: list[Outbound] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.router.chats[self.person.chat_id] = self

    async def command(self, name: str, *args: str) -> list[Outbound]:
        return self.router.deliver(await self.coach.run_command(self.person, name, args))

    async def send(self, text: str) -> list[Outbound]:
        return self.router.deliver(await self.coach.text(self.person, text))

    async def press(self, label: str) -> list[Outbound]:
        """Tap the newest button with exactly this label."""
        return await self.press_data(self.button(label))

    async def press_data(self, data: str) -> list[Outbound]:
        return self.router.deliver(await self.coach.press(self.person, data))

    def button(self, label: str) -> str:
        for out in reversed(self.inbox):
            for row in out.keyboard:
                for button in row:
                    if button.label == label:
                        return button.data
        labels = [b.label for out in self.inbox for row in out.keyboard for b in row]
        raise LookupError(f"no button {label!r}; buttons seen: {labels}")

    def labels(self) -> list[str]:
        """Labels of the newest message that has buttons."""
        for out in reversed(self.inbox):
            if out.keyboard:
                return [b.label for row in out.keyboard for b in row]
        return []

    @property
    def texts(self) -> list[str]:
        return [out.text for out in self.inbox if out.text]

    @property
    def last(self) -> str:
        return self.texts[-1]

    def clear(self) -> None:
        self.inbox.clear()


async def sweep(coach: Coach, router: Router) -> list[Outbound]:
    """Run the cooldown timer job once, as the transport's job queue would."""
    job = next(p for p in coach.periodic if p.name == "cooldown-timers")
    return router.deliver(await job.run())


async def link(sessions: async_sessionmaker[AsyncSession], *user_ids: int) -> int:
    """Make two people a couple directly in the database (linking is another feature)."""
    async with sessions() as session, session.begin():
        couple = Couple()
        session.add(couple)
        await session.flush()
        for user_id in user_ids:
            user = await session.get(User, user_id)
            assert user is not None
            user.couple_id = couple.id
            session.add(user)
        assert couple.id is not None
        return couple.id


async def set_user(
    sessions: async_sessionmaker[AsyncSession], user_id: int, **values: object
) -> None:
    async with sessions() as session, session.begin():
        user = await session.get(User, user_id)
        assert user is not None
        for key, value in values.items():
            setattr(user, key, value)
        session.add(user)


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
