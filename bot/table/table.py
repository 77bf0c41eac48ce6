"""The Talk Table's flows: opening in a group, the floor, pauses, the close.

Every entry point runs inside one person's coach turn (`turn.user` is the
partner who acted, `turn.partner` the other) and names the group it concerns.
Decisions come from the pure `floor.move`; the row changes by compare-and-set
(`store.commit`), so a press that lost a race changes nothing and gets a toast.
Group messages go to the group's chat, in the opener's language; private ones
to each partner, in their own.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.cooldown.screens import calm_keyboard
from bot.engine.outputs import Keyboard
from bot.library.catalog import Library
from bot.library.rotation import pick
from bot.nudges.pools import Pools
from bot.plugins import Roster
from bot.storage.models import User
from bot.table import floor as f
from bot.table import notes, store
from bot.table import render as r
from bot.table.models import PREP, UNDERSTOOD, TalkTable
from bot.table.recent import Recent, recent_checkin
from bot.turn import Outbound, Turn

log = logging.getLogger(__name__)

TextScreen = Callable[[Turn, str], Awaitable[bool]]

MOVES: dict[r.Action, str] = {
    r.GO: f.TALK,
    r.QUESTION: f.CHOSE,
    r.RECENT: f.CHOSE,
    r.OURS: f.CHOSE,
    r.SAID: f.SAID,
    r.YES: f.YES,
    r.NOT_QUITE: f.NOT_QUITE,
    r.PAUSE: f.PAUSE,
    r.BACK: f.RESUME,
    r.STOP: f.STOP,
}


@dataclass(frozen=True)
class Group:
    chat_id: int
    roster: Roster | None = None


class Table:
    def __init__(
        self, library: Library, pools: Pools | None = None, rounds: int = f.DEFAULT_ROUNDS
    ) -> None:
        self.library = library
        self.pools = pools
        """The check-in prompts, for "a recent check-in" as a topic (not offered without)."""
        self.rounds = rounds

    # -- opening ------------------------------------------------------------------------

    async def open(self, turn: Turn, group: Group, *, talk: bool = False) -> None:
        """The bot was added, /start came from a `startgroup` link, or /talk was sent.

        Only the two linked partners and the bot may be in the group: otherwise it
        is explained once and the table stays quiet. With `talk`, the topic question
        comes at once instead of the greeting.
        """
        row = await store.by_chat(turn.session, group.chat_id)
        if row is not None and row.phase in f.LIVE | {f.CLOSING}:
            if row.couple_id == turn.user.couple_id:
                await self._show(turn, group, row)  # the floor again, at the bottom
            return
        greeted = row is not None and row.phase == f.READY and row.couple_id == turn.user.couple_id
        if greeted and not talk:
            return  # being added and `/start` from the link both open: one greeting
        if not await self._just_us(turn, group):
            await self._refuse_once(turn, group, row)
            return
        if turn.user.quiet or (turn.partner is not None and turn.partner.quiet):
            turn.notice("table_unavailable")  # quiet mode: nothing shared with the partner
            return
        row = await self._seat(turn, group, row)
        if talk:
            await self.move(turn, group, row, r.GO)
            return
        text, keyboard = (await self._render(turn, row)).hello()
        _to_group(turn, group, text, keyboard)

    async def _just_us(self, turn: Turn, group: Group) -> bool:
        partner = turn.partner
        if partner is None or turn.user.couple_id is None or group.roster is None:
            return False
        roster = group.roster
        return (
            await roster.count() == 3
            and await roster.has(turn.user.id)
            and await roster.has(partner.id)
        )

    async def _refuse_once(self, turn: Turn, group: Group, row: TalkTable | None) -> None:
        if row is not None and row.phase == f.REFUSED:
            return
        if row is None:
            row = self._new_row(turn, group, f.REFUSED)
            turn.session.add(row)
        else:
            refused = f.Floor(phase=f.REFUSED, version=row.version + 1)
            if not await store.commit(turn.session, row, refused, turn.now):
                return
        _to_group(turn, group, turn.content.t("table_refused", row.lang))

    async def _seat(self, turn: Turn, group: Group, row: TalkTable | None) -> TalkTable:
        """The couple's row for this group, ready for a talk."""
        if row is None:
            row = self._new_row(turn, group, f.READY)
            turn.session.add(row)
            await turn.session.flush()
            return row
        ready = f.Floor(phase=f.READY, version=row.version + 1, rounds=self.rounds)
        await store.commit(
            turn.session,
            row,
            ready,
            turn.now,
            couple_id=turn.user.couple_id,
            opened_by=turn.user.id,
            lang=turn.lang,
        )
        return row

    def _new_row(self, turn: Turn, group: Group, phase: str) -> TalkTable:
        return TalkTable(
            chat_id=group.chat_id,
            couple_id=turn.user.couple_id if phase != f.REFUSED else None,
            opened_by=turn.user.id,
            lang=turn.lang,
            phase=phase,
            rounds=self.rounds,
            created_at=turn.now,
            touched_at=turn.now,
        )

    # -- presses and replies in the group ---------------------------------------------------

    async def press(self, turn: Turn, group: Group, move: r.Move) -> None:
        """A button under a table message: only the partner it belongs to moves the floor."""
        row = await store.by_chat(turn.session, group.chat_id)
        if row is None or row.phase == f.REFUSED:
            turn.notice("unknown_button")
            return
        if row.couple_id is None or row.couple_id != turn.user.couple_id:
            turn.notice("table_only_partners", **(await self._render(turn, row)).pair())
            return
        if move.version != row.version:
            turn.notice("table_moved_on")
            return
        await self.move(turn, group, row, move.action, move.minutes or 0, edit=True)

    async def move(
        self,
        turn: Turn,
        group: Group,
        row: TalkTable,
        action: r.Action,
        minutes: int = 0,
        *,
        edit: bool = False,
    ) -> None:
        """Make one move; `edit` when it answers a press (the pressed message changes)."""
        assert turn.partner is not None
        before = store.floor_of(row)
        partner = turn.partner.id
        after = f.move(before, MOVES[action], turn.user.id, partner, turn.now, minutes=minutes)
        if isinstance(after, f.Refused):
            turn.notice(after.reason)
            return
        more: dict[str, object] = {}
        recent: Recent | None = None
        if action == r.GO:
            more = {"talk": row.talk + 1, "topic": None}
        elif action == r.QUESTION:
            more = {"topic": self._question(row)}
        elif action == r.RECENT:
            recent = await self._recent(turn, row)
            if recent is None:
                turn.notice("table_no_recent")  # it was offered, and is no longer recent
                return
            more = {"topic": recent.text(row.lang)}
        if not await store.commit(turn.session, row, after, turn.now, **more):
            turn.notice("table_moved_on")  # the other partner was a moment quicker
            return
        await self._after(turn, group, row, before, action, edit)
        if recent is not None:
            self._remind(turn, recent)

    async def _after(
        self, turn: Turn, group: Group, row: TalkTable, before: f.Floor, action: str, edit: bool
    ) -> None:
        """Say what the move changed: the floor message edited in place, private notes."""
        view = await self._render(turn, row)
        if action == r.GO:
            text, keyboard = view.topic()
            await self._ask_both(turn, row, PREP, "table_private_prep")
        elif action == r.YES and row.phase == f.SPEAK:
            text, keyboard = view.floor(view.passed())
        elif action == r.NOT_QUITE:
            text, keyboard = view.floor(again=True)
        elif action == r.BACK:
            text, keyboard = view.floor(turn.content.t("table_back", row.lang))
        else:
            text, keyboard = view.floor()
        _to_group(turn, group, text, keyboard, edit=edit)
        if row.phase == f.PAUSED and before.phase != f.PAUSED:
            minutes = view._pause_minutes()
            _privately(turn, turn.user, "table_pause_private", calm_keyboard(turn), minutes=minutes)
        if row.phase == f.CLOSING:
            await self._ask_both(turn, row, UNDERSTOOD, "table_ask_understood")

    async def reply(
        self, turn: Turn, group: Group, text: str, safety: Sequence[TextScreen]
    ) -> None:
        """A reply to one of our messages: the listener's reflection, screened first.

        A safety signal ends the table quietly (see `bot.table.ending`, called by the
        safety screen itself); the resources go to the writer's private chat only.
        """
        for screen in safety:
            if await screen(turn, text):
                return
        await self.reflected(turn, group, text)

    async def reflected(self, turn: Turn, group: Group, text: str) -> bool:
        """The listener said it back (a reply already screened, or one the safety screen
        held and the person gave back): the floor moves on. The words need no repeating:
        they are the listener's own message in the group. False when the reply moves
        nothing: not the listener's turn to say it back, or no table of theirs there."""
        row = await store.by_chat(turn.session, group.chat_id)
        if row is None or row.couple_id is None or row.couple_id != turn.user.couple_id:
            return False
        if row.phase != f.REFLECT or row.listener_id != turn.user.id:
            return False  # talking to each other in replies is fine; it moves nothing
        assert turn.partner is not None
        after = f.move(store.floor_of(row), f.HEARD, turn.user.id, turn.partner.id, turn.now)
        if isinstance(after, f.Refused) or not await store.commit(
            turn.session, row, after, turn.now
        ):
            return False
        text_, keyboard = (await self._render(turn, row)).floor()
        _to_group(turn, group, text_, keyboard)  # a new message, under the reflection
        return True

    async def migrate(self, turn: Turn, old: int, new: int) -> None:
        """The group became a supergroup: the table moves to the new chat id, once.

        The old chat's messages (and their buttons) stay behind, so the table
        says where it stands again in the new chat: the floor of a talk going
        on, or the greeting of a table that is ready; presses there carry on.
        """
        if not await store.move_chat(turn.session, old, new, turn.now):
            return  # moved already: the other service message, or this one twice
        row = await store.by_chat(turn.session, new)
        if row is None or row.couple_id is None:
            return
        log.info("table %s moved to its supergroup", row.id)
        group = Group(new)
        if row.phase in f.LIVE | {f.CLOSING}:
            await self._show(turn, group, row)
        elif row.phase == f.READY:
            text, keyboard = (await self._render(turn, row)).hello()
            _to_group(turn, group, text, keyboard)

    async def _show(self, turn: Turn, group: Group, row: TalkTable) -> None:
        text, keyboard = (await self._render(turn, row)).floor()
        _to_group(turn, group, text, keyboard)

    # -- helpers ----------------------------------------------------------------------------

    def _question(self, row: TalkTable) -> str:
        questions = self.library.pools.pools.get("couple", ())
        if not questions:
            return ""
        entry = pick(questions, f"table:{row.couple_id}", "table", row.talk)
        return entry.text.get(row.lang) or next(iter(entry.text.values()))

    async def _ask_both(self, turn: Turn, row: TalkTable, kind: str, key: str) -> None:
        """Ask each partner privately for a note (in their own language); someone who
        blocked the bot is not asked (nothing about it is said in the group)."""
        partner = turn.partner
        assert partner is not None
        for person, other in ((turn.user, partner), (partner, turn.user)):
            if not person.active:
                continue
            await notes.ask(turn, await store.ask(turn.session, row, person.id, kind, turn.now))
            _privately(turn, person, key, partner=other.name)

    async def _render(self, turn: Turn, row: TalkTable) -> r.Render:
        recent = row.phase == f.TOPIC and await self._recent(turn, row) is not None
        return r.Render(turn.content, row, await store.names(turn.session, row), recent=recent)

    async def _recent(self, turn: Turn, row: TalkTable) -> Recent | None:
        return await recent_checkin(turn.session, row.couple_id, turn.now, self.pools)

    def _remind(self, turn: Turn, recent: Recent) -> None:
        """Each partner who answered the check-in is shown their own answer, privately;
        never the other's, and nothing of either in the group."""
        for person in (turn.user, turn.partner):
            answer = recent.answers.get(person.id) if person is not None else None
            if person is None or not answer:
                continue
            _privately(turn, person, "table_recent_yours", answer=answer)


def _privately(
    turn: Turn, person: User, key: str, keyboard: Keyboard = (), **values: object
) -> None:
    """Dialog text `key` for one partner's private chat, in their language, unless they
    blocked the bot: only a message from them in private makes them reachable again, never
    a press in the group. It is part of a table both sit at now, so it goes even in their
    quiet hours (`urgent`). The table's own question or reminder, sent by nobody: its
    `kind` names it, and no sender is told about it."""
    if person.active:
        text = turn.content.t(key, person.lang, **values)
        turn.out.append(Outbound(person.chat_id, person.id, text, keyboard, urgent=True, kind=key))


def _to_group(
    turn: Turn, group: Group, text: str, keyboard: Keyboard = (), *, edit: bool = False
) -> None:
    """A message for the group; `user_id` is the group, so a refusal never marks a person."""
    turn.out.append(Outbound(group.chat_id, group.chat_id, text, keyboard, replace=edit))


async def members_changed(table: Table, turn: Turn, group: Group) -> None:
    """Someone joined or left the group: the table opens once it is just the couple,
    and a talk stops (explained once) when anyone else is there."""
    row = await store.by_chat(turn.session, group.chat_id)
    if await table._just_us(turn, group):
        if row is None or row.phase == f.REFUSED:
            await table.open(turn, group)
        return
    if row is not None and row.phase in f.LIVE | {f.CLOSING}:
        await store.forget_waiting(turn.session, row.id or 0)
    await table._refuse_once(turn, group, row)
