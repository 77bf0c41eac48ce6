"""The two-partner harness: two partners and a stranger, linking a couple straight
in the database, reading and changing their rows, and chats that read like a
conversation. Every feature's tests use this one (the couples feature also
links through real invites, in `tests/couples/conftest.py`, because that is
what it tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.coach import Coach
from bot.storage.models import Couple, User
from bot.turn import Outbound, Person

ALEX = Person(1001, 1001, "Alex", "en")
SAM = Person(1002, 1002, "Sam", "tr")
KIM = Person(1003, 1003, "Kim", "en")


def speaking(person: Person, language: str) -> Person:
    """The same person with another Telegram language (tests that read one language)."""
    return replace(person, language_code=language)


# -- rows ------------------------------------------------------------------------


async def link_rows(sessions: async_sessionmaker[AsyncSession], *user_ids: int) -> int:
    """Make existing people a couple directly in the database; returns the couple id.

    Linking has its own flow and tests (`bot.couples`); everything else starts here.
    """
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


async def link(coach: Coach, a: Person, b: Person) -> int:
    """Make `a` and `b` a couple (creating their rows if needed); returns the couple id."""
    for person in (a, b):
        await coach.run_command(person, "help")
    return await link_rows(coach.sessions, a.user_id, b.user_id)


async def unlink(coach: Coach, *people: Person) -> None:
    """End a couple straight in the database (the /unlink flow has its own tests)."""
    for person in people:
        await update_user(coach, person, couple_id=None)


async def user(coach: Coach, who: Person | int) -> User:
    """The person's row as stored now."""
    async with coach.sessions() as session:
        row = await session.get(User, _id(who))
        assert row is not None
        return row


async def update_user(coach: Coach, who: Person | int, **values: object) -> None:
    """Change columns of the person's row directly (a time zone, a pause, quiet mode)."""
    async with coach.sessions() as session, session.begin():
        row = await session.get(User, _id(who))
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)


def _id(who: Person | int) -> int:
    return who if isinstance(who, int) else who.user_id


# -- what they were sent -------------------------------------------------------------


def to(outs: list[Outbound], person: Person) -> list[Outbound]:
    return [o for o in outs if o.chat_id == person.chat_id]


def texts(outs: list[Outbound], person: Person) -> list[str]:
    return [o.text for o in to(outs, person)]


def buttons(outs: list[Outbound], person: Person) -> dict[str, str]:
    """Label -> callback data of every button sent to `person`."""
    return {b.label: b.data for o in to(outs, person) for row in o.keyboard for b in row}


# -- chats: a couple talking to the coach ------------------------------------------------


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
    """One person's side: everything they received, so a test reads like a conversation
    (press a button by its label, type text, look at the newest message)."""

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


@dataclass
class Pair:
    """Two linked partners, each with their chat."""

    alex: Chat
    sam: Chat
    router: Router
    couple_id: int


async def pair(coach: Coach, a: Person = ALEX, b: Person = SAM) -> Pair:
    """Both say /start, are linked in the database, and start with empty chats."""
    router = Router()
    alex, sam = Chat(coach, a, router), Chat(coach, b, router)
    await alex.command("start")
    await sam.command("start")
    couple_id = await link_rows(coach.sessions, a.user_id, b.user_id)
    alex.clear()
    sam.clear()
    return Pair(alex, sam, router, couple_id)
