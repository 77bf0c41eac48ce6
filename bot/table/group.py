"""Group chats as the Talk Table hears them: one `GroupEvent` at a time.

A partner's event runs in their own turn (`partner`); someone Attune does not
know (`stranger`) gets at most a toast or the table's one explanation, and no
row of their own. Membership news is acted on for the partner who opened the
table, whoever caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.engine.content import Content
from bot.plugins import GroupEvent, Jobs, TextScreen, ask_roster
from bot.storage.models import User
from bot.storage.repo import partner_of
from bot.table import floor as f
from bot.table import render, store
from bot.table.ending import bot_removed, partner_left
from bot.table.models import TalkTable
from bot.table.table import Group, Table, members_changed
from bot.turn import Outbound, Turn

OPENING = frozenset({"start", "talk"})


class GroupChats:
    def __init__(
        self,
        table: Table,
        jobs: Jobs,
        content: Content,
        safety: Callable[[], Sequence[TextScreen]],
    ) -> None:
        self.table = table
        self.jobs = jobs
        self.content = content
        self.safety = safety
        """The safety screens, read when a reflection arrives (every feature's are known then)."""

    async def partner(self, turn: Turn, event: GroupEvent) -> None:
        group = Group(event.chat_id, event.roster)
        match event.kind:
            case "added":
                await self.table.open(turn, group)
            case "command" if event.name in OPENING:
                await self.table.open(turn, group, talk=event.name == "talk")
            case "press":
                move = render.Move.unpack(event.data)
                if move is None:
                    turn.notice("unknown_button")
                    return
                await self.table.press(turn, group, move)
            case "reply" if event.text:
                await self.table.reply(turn, group, event.text, self.safety())
            case "joined" | "left":
                await self._membership(turn, event, group)
            case "removed":
                await bot_removed(turn.session, event.chat_id, turn.now)
            case "migrated" if event.moved_to is not None:
                await self.table.migrate(turn, event.chat_id, event.moved_to)

    async def given_back(self, turn: Turn, chat_id: int, text: str) -> bool:
        """A reflection the safety screen held, given back by the person: said back now."""
        return await self.table.reflected(turn, Group(chat_id), text)

    async def _membership(self, turn: Turn, event: GroupEvent, group: Group) -> None:
        row = await store.by_chat(turn.session, event.chat_id)
        partners = await store.names(turn.session, row) if row is not None else {}
        if event.kind == "left" and event.subject in partners:
            await partner_left(turn, event.chat_id, event.subject)
        else:
            await members_changed(self.table, turn, group)

    async def stranger(self, event: GroupEvent) -> list[Outbound]:
        match event.kind:
            case "press":
                return await self._toast(event)
            case "added":
                return await self._refuse(event)
            case "command" if event.name in OPENING:
                return await self._refuse(event)
            case "joined" | "left":
                return await self._for_opener(event)
            case "migrated" if event.moved_to is not None:
                return await self._migrated(event, event.moved_to)
            case "removed":
                async with self.jobs.sessions() as session, session.begin():
                    await bot_removed(session, event.chat_id, self.jobs.clock())
        return []

    async def _toast(self, event: GroupEvent) -> list[Outbound]:
        """A stranger's press: a short toast naming whose table this is, or nothing."""
        async with self.jobs.sessions() as session:
            row = await store.by_chat(session, event.chat_id)
            names = list((await store.names(session, row)).values()) if row else []
        if row is None or len(names) != 2:
            return []
        text = self.content.t("table_only_partners", row.lang, a=names[0], b=names[1])
        return [Outbound(event.user_id, event.user_id, text, notice=True)]

    async def _refuse(self, event: GroupEvent) -> list[Outbound]:
        """Someone unknown opened a table here: explain once, in their language."""
        lang = self.content.lang(event.language_code)
        async with self.jobs.sessions() as session, session.begin():
            row = await store.by_chat(session, event.chat_id)
            if row is not None:
                return []  # told already, or the couple's table
            now = self.jobs.clock()
            session.add(
                TalkTable(
                    chat_id=event.chat_id,
                    lang=lang,
                    phase=f.REFUSED,
                    created_at=now,
                    touched_at=now,
                )
            )
        text = self.content.t("table_refused", lang)
        return [Outbound(event.chat_id, event.chat_id, text)]

    async def _migrated(self, event: GroupEvent, new: int) -> list[Outbound]:
        """The group moved and nobody Attune knows said so: the table moves in the
        opener's turn (it may say where the floor stands), or alone if it has no couple."""
        async with self.jobs.sessions() as session:
            row = await store.by_chat(session, event.chat_id)
        if row is None:
            return []  # moved already, or no table here
        if row.couple_id is None or row.opened_by is None:
            async with self.jobs.sessions() as session, session.begin():
                await store.move_chat(session, event.chat_id, new, self.jobs.clock())
            return []

        async def act(turn: Turn) -> None:
            await self.table.migrate(turn, event.chat_id, new)

        return await self.jobs.for_user(row.opened_by, act)

    async def _for_opener(self, event: GroupEvent) -> list[Outbound]:
        """Someone unknown joined or left: the table acts for the partner who opened it."""
        async with self.jobs.sessions() as session:
            row = await store.by_chat(session, event.chat_id)
            opener = row.opened_by if row is not None else None
            user = await session.get(User, opener) if opener is not None else None
            partner = await partner_of(session, user) if user is not None else None
        if opener is None:
            return []
        roster = event.roster
        if roster is not None:  # asked now, not inside the opener's turn
            roster = await ask_roster(roster, [opener, *([partner.id] if partner else [])])

        async def act(turn: Turn) -> None:
            await self._membership(turn, event, Group(event.chat_id, roster))

        return await self.jobs.for_user(opener, act)
