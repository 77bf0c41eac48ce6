"""Two partners at a Talk Table through the coach, without Telegram.

`Seat` runs the table's entry points as the partners' turns, keeps every
message per chat, and presses buttons of the newest group message by label,
so tests read like the conversation in the group.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.coach import Coach
from bot.library.catalog import library_for
from bot.nudges.pools import load_pools
from bot.table.render import Move
from bot.table.table import Group, Table
from bot.turn import Outbound, Person
from tests.support.people import link_rows

GROUP_ID = -1001234


@dataclass
class FakeRoster:
    members: set[int]

    async def count(self) -> int:
        return len(self.members) + 1  # and the bot

    async def has(self, user_id: int) -> bool:
        return user_id in self.members


@dataclass
class Seat:
    coach: Coach
    alex: Person
    sam: Person
    roster: FakeRoster
    table: Table
    inbox: dict[int, list[Outbound]] = field(default_factory=dict)

    @property
    def group(self) -> Group:
        return Group(GROUP_ID, self.roster)

    def keep(self, outs: list[Outbound]) -> list[Outbound]:
        for out in outs:
            self.inbox.setdefault(out.chat_id, []).append(out)
        return outs

    def to(self, chat_id: int) -> list[Outbound]:
        return self.inbox.get(chat_id, [])

    @property
    def in_group(self) -> list[Outbound]:
        return self.to(GROUP_ID)

    def last_group(self) -> Outbound:
        return self.in_group[-1]

    async def open(self, person: Person, *, talk: bool = False) -> list[Outbound]:
        return self.keep(
            await self.coach.handle(person, lambda t: self.table.open(t, self.group, talk=talk))
        )

    def button(self, label: str) -> str:
        for out in reversed(self.in_group):
            for row in out.keyboard:
                for button in row:
                    if button.label == label:
                        return button.data
        raise LookupError(f"no button {label!r} in the group: {[o.text for o in self.in_group]}")

    async def press(self, person: Person, label: str) -> list[Outbound]:
        return await self.press_data(person, self.button(label))

    async def press_data(self, person: Person, data: str) -> list[Outbound]:
        move = Move.unpack(data)
        assert move is not None, data
        return await self.keep_press(person, move)

    async def keep_press(self, person: Person, move: Move) -> list[Outbound]:
        return self.keep(
            await self.coach.handle(person, lambda t: self.table.press(t, self.group, move))
        )

    async def reply(self, person: Person, text: str) -> list[Outbound]:
        """A reply in the group, by the person as `Coach.in_group` sees them there."""
        screens = self.coach.safety_screens
        there = replace(person, group_id=GROUP_ID)
        return self.keep(
            await self.coach.handle(there, lambda t: self.table.reply(t, self.group, text, screens))
        )

    async def private(self, person: Person, text: str) -> list[Outbound]:
        return self.keep(await self.coach.text(person, text))

    async def sweep(self) -> list[Outbound]:
        job = next(p for p in self.coach.periodic if p.name == "table-pauses")
        return self.keep(await job.run())


async def seat(coach: Coach) -> Seat:
    alex, sam = Person(801, 801, "Alex", "en"), Person(802, 802, "Sam", "tr")
    for person in (alex, sam):
        await coach.run_command(person, "start")
    await link_rows(coach.sessions, alex.user_id, sam.user_id)
    data, languages = coach.settings.data_dir, coach.content.languages
    pools = load_pools(data / "nudges", languages)
    table = Table(library_for(data, languages), pools, rounds=2)
    return Seat(coach, alex, sam, FakeRoster({801, 802}), table)
