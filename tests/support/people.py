"""Two partners and a stranger, and a way to link a couple straight in the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach import Coach
from bot.storage.models import Couple, User
from bot.turn import Outbound, Person

ALEX = Person(1001, 1001, "Alex", "en")
SAM = Person(1002, 1002, "Sam", "tr")
KIM = Person(1003, 1003, "Kim", "en")


async def link(coach: Coach, a: Person, b: Person) -> int:
    """Make `a` and `b` a couple (creating their rows if needed); returns the couple id."""
    for person in (a, b):
        await coach.run_command(person, "help")
    sessions: async_sessionmaker[AsyncSession] = coach.sessions
    async with sessions() as session, session.begin():
        couple = Couple()
        session.add(couple)
        await session.flush()
        for person in (a, b):
            user = await session.get(User, person.user_id)
            assert user is not None
            user.couple_id = couple.id
            session.add(user)
        assert couple.id is not None
        return couple.id


async def unlink(coach: Coach, *people: Person) -> None:
    """End a couple straight in the database (the /unlink flow has its own tests)."""
    async with coach.sessions() as session, session.begin():
        for person in people:
            user = await session.get(User, person.user_id)
            assert user is not None
            user.couple_id = None


def texts(outs: list[Outbound], person: Person) -> list[str]:
    return [o.text for o in outs if o.chat_id == person.chat_id]


def buttons(outs: list[Outbound], person: Person) -> dict[str, str]:
    """Label -> callback data of every button sent to `person`."""
    return {
        b.label: b.data
        for o in outs
        if o.chat_id == person.chat_id
        for row in o.keyboard
        for b in row
    }
