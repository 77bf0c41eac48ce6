"""The coach: turns one person's input into a committed state change and replies.

Transports (Telegram, terminal) call `Coach` with a `Person` and raw input;
the coach loads the person's state in one transaction, lets the pure engine
or a feature handler decide, stores the result, and returns `Outbound`
messages. Features are declared in `bot/features.py` and assembled here once
(see `bot.plugins`), so no transport knows about them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.engine.content import Content
from bot.engine.events import Event
from bot.engine.outputs import Action, Effect, Notice, Say
from bot.engine.state import DialogState
from bot.engine.step import step
from bot.inbox import ticket as inbox_ticket
from bot.inbox.store import MARK_DONE, claim_in_session, claim_on_connection
from bot.inbox.ticket import AlreadyHandled, Ticket
from bot.outbox.models import BULK
from bot.outbox.store import STAGE, STAGE_COLUMNS, Outbox
from bot.plugins import (
    Command,
    FeatureFactory,
    GroupEvent,
    Handler,
    Periodic,
    Registry,
    Screen,
    TextScreen,
    ask_roster,
    assemble,
)
from bot.storage import repo
from bot.storage.dialog_store import SessionDialogStore
from bot.storage.models import SEEN_EVERY, User
from bot.storage.sqlite_direct import DirectDialogStore, DirectSqlite, row_values
from bot.storage.types import utcnow
from bot.text_input import clean
from bot.turn import NeedsSession, Outbound, Person, Turn
from bot.waiting import PENDING
from bot.waiting import current as waiting_for
from bot.waiting import done as stop_waiting

log = logging.getLogger(__name__)

MAX_RETRIES = 3


class Coach:
    def __init__(
        self,
        content: Content,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime] = utcnow,
        settings: Settings | None = None,
        features: Iterable[FeatureFactory] = (),
    ) -> None:
        self.content = content
        self.sessions = sessions
        self.clock = clock
        self.settings = settings if settings is not None else Settings()
        """Configuration for features (e.g. the nudge grace window); defaults when not given."""
        self.bot_username: str | None = None
        """The bot's @username for t.me links; the Telegram transport sets it from getMe.
        None where there is no such link (the terminal chat)."""
        bind = sessions.kw.get("bind")
        self.direct = DirectSqlite.for_engine(bind) if isinstance(bind, AsyncEngine) else None
        """The embedded database's fast path (None on PostgreSQL): see `sqlite_direct`."""
        self._pending: tuple[int, Select[tuple[bool, ...]]] | None = None
        self.outbox: Outbox | None = None
        """Where a transport that sends later keeps each turn's messages, written in the
        turn's own transaction (the Telegram transport sets it; see `bot.outbox`)."""
        self.registry: Registry = assemble(features, content, self.settings, self)
        """Every feature's commands, buttons, screens and jobs (see `bot/features.py`)."""
        self._screens = [Screen(self._answer, pending=PENDING), *self.registry.screens]
        """The answer to an open question first (`bot.waiting`), then features' modes."""

    # -- what the features declared, for transports -----------------------------

    @property
    def commands(self) -> dict[str, Command]:
        return self.registry.commands

    @property
    def periodic(self) -> list[Periodic]:
        return self.registry.periodic

    @property
    def safety_screens(self) -> list[TextScreen]:
        return self.registry.safety_screens

    @property
    def text_screens(self) -> list[Screen]:
        return self._screens

    # -- entry points for transports ------------------------------------------

    async def run_command(
        self, person: Person, name: str, args: tuple[str, ...] = ()
    ) -> list[Outbound]:
        command = self.commands.get(name.lower())
        args = tuple(clean(arg) for arg in args)

        async def handle(turn: Turn) -> None:
            if command is None:
                turn.notice("unknown_command")
            else:
                await command.handler(turn)

        return await self.handle(person, handle, args)

    async def press(self, person: Person, data: str | None) -> list[Outbound]:
        found = self.registry.button(clean(data)) if data else None

        async def handle(turn: Turn) -> None:
            if found is None:
                turn.notice("unknown_button")  # forged, malformed, or from a removed feature
                return
            payload, handler = found
            await handler(turn, payload)

        return await self.handle(person, handle)

    async def text(self, person: Person, text: str) -> list[Outbound]:
        text = clean(text)

        async def handle(turn: Turn) -> None:
            for safety in self.safety_screens:
                if await safety(turn, text):
                    return
            await self.read_text(turn, text)

        return await self.handle(person, handle, (text,))

    async def read_text(self, turn: Turn, text: str) -> None:
        """Typed text after the safety screens: the waiting feature's, else the dialog's.

        Also how a message the safety screen held back is given back when the
        person says it was misread ("That's not what I meant").
        """
        turn.args = (text,)
        if self.text_screens:
            pending = await turn.store.check(self._pending_query(), turn.user.id)
            for screen, maybe in zip(self.text_screens, pending, strict=True):
                if maybe and await screen.run(turn, text):
                    return
        if self.registry.fallback_text is not None:
            await self.registry.fallback_text(turn)

    async def read_in_group(self, turn: Turn, group_id: int, text: str) -> bool:
        """Text a person wrote in a group, held by the safety screen and given back: the
        group feature reads it past the screens; False when none takes it."""
        group = self.registry.group
        if group is None or group.given_back is None:
            return False
        return await group.given_back(turn, group_id, text)

    async def _answer(self, turn: Turn, text: str) -> bool:
        """Typed text answering the question a feature asked last, while it is still open."""
        waiting = await waiting_for(turn)
        if waiting is None:
            return False
        typed = self.registry.typed.get(waiting.feature)
        if typed is None:  # asked by a feature no longer installed
            await stop_waiting(turn)
            return False
        return await typed(turn, text, waiting)

    async def side_text(self, person: Person, text: str | None) -> list[Outbound]:
        """Text that is not an answer (a photo caption, an edited message).

        Only the safety screens read it: a worrying caption or edit must still be
        heard, but it never moves a dialog.
        """
        text = clean(text) if text else text

        async def handle(turn: Turn) -> None:
            for screen in self.safety_screens:
                if text and await screen(turn, text):
                    return

        return await self.handle(person, handle, (text or "",))

    async def shared_location(
        self, person: Person, latitude: float, longitude: float
    ) -> list[Outbound]:
        async def handle(turn: Turn) -> None:
            if self.registry.location is None:
                turn.notice("unsupported_message")
            else:
                await self.registry.location(turn, latitude, longitude)

        return await self.handle(person, handle)

    async def unsupported(self, person: Person, caption: str | None = None) -> list[Outbound]:
        """Stickers, photos, voice: a kind note, and the dialog stays where it was.

        A caption is still read by the safety screens first.
        """
        heard = await self.side_text(person, caption) if caption else []
        return heard or await self.handle(person, lambda turn: _notice(turn, "unsupported_message"))

    async def in_group(self, event: GroupEvent) -> list[Outbound]:
        """An update from a group chat, for the feature that acts in groups (if any).

        Someone Attune knows acts in a turn of their own, their private chat being
        their user id; anyone else gets only what the feature says to strangers,
        and no row is made for them.
        """
        group = self.registry.group
        if group is None:
            return []
        async with self.sessions() as session:
            user = await session.get(User, event.user_id)
            partner = await repo.partner_of(session, user) if user is not None else None
        if user is None:
            return await group.stranger(event)
        if event.roster is not None:  # asked now: never inside the turn's transaction
            people = [user.id] if partner is None else [user.id, partner.id]
            event = replace(event, roster=await ask_roster(event.roster, people))
        person = Person(
            event.user_id,
            event.user_id,
            event.first_name,
            event.language_code,
            group_id=event.chat_id,
        )

        async def handle(turn: Turn) -> None:
            await group.partner(turn, event)

        return await self.handle(person, handle)

    async def handle(
        self, person: Person, handler: Handler, args: tuple[str, ...] = ()
    ) -> list[Outbound]:
        """Run `handler` for `person` in one transaction and return what to send.

        When the turn answers a stored update (an inbox ticket), the update is
        marked done in this same transaction; an update already handled rolls
        back and sends nothing. The fast path goes first; a turn that needs
        the ORM session there is rolled back, unsent, and run again here.
        """
        if (name := clean(person.first_name)) != person.first_name:
            person = replace(person, first_name=name)  # it is stored with the person
        ticket = inbox_ticket.current()
        try:
            if self.direct is not None:
                try:
                    return await self._direct(person, handler, args, ticket)
                except NeedsSession:
                    pass
            async with self.sessions() as session, session.begin():
                await repo.lock_couple(session, person.user_id)
                claimed = await claim_in_session(session, ticket, self.clock())
                turn = await self._turn(session, person, args)
                await self._arrive(turn, person)
                await handler(turn)
                turn.hold_for_quiet()
                if self.outbox is not None:
                    await self._hold_for_quiet_hours(session, turn)
                    staged = await self.outbox.stage(
                        session, turn.out, turn.now, sender=turn.user.id
                    )
                    turn.out = _sent_now(staged)
        except AlreadyHandled:
            log.info(
                "update %s was handled before; not handling it again", ticket and ticket.update_id
            )
            return []
        if claimed and ticket is not None:
            ticket.marked = True
        await _after_commit(turn)
        return turn.out

    async def _direct(
        self, person: Person, handler: Handler, args: tuple[str, ...], ticket: Ticket | None
    ) -> list[Outbound]:
        assert self.direct is not None
        async with self.direct.transaction() as connection:
            now = self.clock()
            claimed = claim_on_connection(connection, self.direct.prepared(MARK_DONE), ticket, now)
            people = self.direct.people(connection, person.user_id)
            created = people is None
            if people is None:
                lang = self.content.lang(person.language_code)
                user = self.direct.first_contact(
                    connection, person.user_id, person.chat_id, person.first_name, lang, now
                )
                people = (user, None)
            user, partner = people
            if not user.active or user.chat_id != person.chat_id:
                raise NeedsSession  # welcome back: the ORM path brings the row up to date
            if person.private and _seen_long_ago(user, now):
                raise NeedsSession  # `seen_at` is written (and returns heard) on the ORM path
            store = DirectDialogStore(self.direct, connection)
            turn = Turn(
                self,
                None,
                store,
                self.content,
                user,
                partner,
                now,
                args,
                created,
                group_id=person.group_id,
            )
            rows = row_values(user), row_values(partner)
            await handler(turn)
            turn.hold_for_quiet()
            if (row_values(turn.user), row_values(turn.partner)) != rows:
                raise NeedsSession  # a changed person row is the ORM session's to write
            if self.outbox is not None and turn.partner_news():
                raise NeedsSession  # the partner's quiet hours are read on the ORM path
            if self.outbox is not None:
                turn.out = self.outbox.stage_on_connection(
                    connection, self.direct.prepared(STAGE, STAGE_COLUMNS), turn.out, now
                )
        if claimed and ticket is not None:
            ticket.marked = True
        await _after_commit(turn)
        return turn.out

    def _pending_query(self) -> Select[tuple[bool, ...]]:
        """One query asking every text screen whether it is waiting (built once)."""
        if self._pending is None or self._pending[0] != len(self.text_screens):
            conditions = [
                screen.pending.label(f"s{i}") for i, screen in enumerate(self.text_screens)
            ]
            self._pending = (len(self.text_screens), select(*conditions))
        return self._pending[1]

    async def for_user(self, user_id: int, handler: Handler) -> list[Outbound]:
        """Run `handler` for a known user without an incoming message (jobs, nudges).

        Like a person's turn, what it says is staged in the outbox in its own
        transaction: a timer that fired, or a table back from its pause, has its
        message on record the moment its state change commits.
        """
        async with self.sessions() as session, session.begin():
            user = await session.get(User, user_id)
            if user is None:
                return []
            partner = await repo.partner_of(session, user)
            store = SessionDialogStore(session)
            turn = Turn(self, session, store, self.content, user, partner, self.clock())
            await handler(turn)
            turn.hold_for_quiet()
            if self.outbox is not None:
                await self._hold_for_quiet_hours(session, turn)
                staged = await self.outbox.stage(
                    session, turn.out, turn.now, BULK, sender=turn.user.id
                )
                turn.out = _sent_now(staged)
        await _after_commit(turn)
        return turn.out

    async def _arrive(self, turn: Turn, person: Person) -> None:
        """Whatever the person does first after a while, features hear they are back.

        `seen_at` is written at most once per `SEEN_EVERY`, so the fast path keeps
        its untouched person row. Only the person's own private chat counts; a
        press in a group sends nothing to their private chat.
        """
        user = turn.user
        if not person.private or not _seen_long_ago(user, turn.now):
            return
        if not turn.created:
            for returned in self.registry.returned:
                await returned(turn, user.seen_at)
        user.seen_at = turn.now
        turn.session.add(user)

    async def _hold_for_quiet_hours(self, session: AsyncSession, turn: Turn) -> None:
        """Partner news waits in the outbox for the end of the partner's quiet hours.

        That the partner answered a couple question, sent an appreciation, or that
        a reveal came of their action can wait until morning: it is kept with a
        not-before time (`Outbound.not_before`) and sent once then, if its sender
        still shares it (`Outbox.reclaim`). What is `urgent` goes at once: a break
        notice matters while the break runs, which is usually right now, when both
        are awake in the middle of an argument — in the morning it would be stale
        and the partner would have kept writing to someone who asked for space.
        Without an outbox (the terminal chat, a test's coach) nothing can be kept.
        """
        quiet_hours = self.registry.quiet_hours
        news = turn.partner_news()
        if quiet_hours is None or not news or turn.partner is None:
            return
        until = await quiet_hours(session, turn.partner, turn.now)
        if until is None:
            return
        held = {id(out) for out in news}
        turn.out = [replace(out, not_before=until) if id(out) in held else out for out in turn.out]
        log.info("%d message(s) for a partner wait for their quiet hours to end", len(held))

    async def mark_unreachable(self, user_id: int) -> None:
        """Telegram said Forbidden: stop sending to this person until they return."""
        async with self.sessions() as session, session.begin():
            user = await session.get(User, user_id)
            if user is not None and user.active:
                user.active = False
                session.add(user)
                log.info("user %s blocked the bot; marked inactive", user_id)

    # -- the engine loop ----------------------------------------------------

    async def advance(self, turn: Turn, make_event: Callable[[Turn], Event]) -> None:
        """Step the engine with compare-and-set on the dialog version, then apply effects."""
        for _ in range(MAX_RETRIES):
            state, version = await turn.store.load_state(turn.user.id)
            result = step(self.content, state, make_event(turn))
            if await turn.store.save_state(turn.user.id, result.state, version, turn.now):
                break
        else:
            turn.notice("busy")
            return
        await self._remember_position(turn, result.state)
        mark = len(turn.out)
        heard = [o for o in result.outputs if isinstance(o, Say) and o.ack]
        for output in heard:
            turn.say(output.text)
        for effect in result.effects:
            if not isinstance(effect, Action):
                await self._apply(turn, effect)
        for output in result.outputs:
            if isinstance(output, Say) and not output.ack:
                turn.say(output.text, output.keyboard, replace=output.replace, append=output.append)
            elif isinstance(output, Notice):
                turn.notice(output.key, **output.values)
        for effect in result.effects:
            if isinstance(effect, Action):
                await self._apply(turn, effect)  # after the node's text: it continues the story
        turn.fold_from(mark)

    async def _apply(self, turn: Turn, effect: Effect) -> None:
        if isinstance(effect, Action):
            handler = self.registry.actions.get(effect.name)
            if handler is None:
                log.warning("no handler for dialog action %r", effect.name)
            else:
                await handler(turn, effect)
        for listener in self.registry.effect_listeners:
            await listener(turn, effect)

    async def _remember_position(self, turn: Turn, state: DialogState) -> None:
        if state.dialog is not None:
            await turn.store.record_progress(
                turn.user.id, state.dialog, node=state.node, now=turn.now
            )

    async def _turn(self, session: AsyncSession, person: Person, args: tuple[str, ...]) -> Turn:
        now = self.clock()
        lang = self.content.lang(person.language_code)
        user, created = await repo.ensure_user(
            session,
            person.user_id,
            person.chat_id,
            person.first_name,
            lang,
            now,
            revive=person.private,
        )
        partner = await repo.partner_of(session, user)
        store = SessionDialogStore(session)
        return Turn(
            self,
            session,
            store,
            self.content,
            user,
            partner,
            now,
            args,
            created,
            group_id=person.group_id,
        )


def _seen_long_ago(user: User, now: datetime) -> bool:
    return user.seen_at is None or now - user.seen_at >= SEEN_EVERY


def _sent_now(staged: list[Outbound]) -> list[Outbound]:
    """What the transport sends now: not what the outbox keeps for later."""
    return [out for out in staged if out.not_before is None]


async def _after_commit(turn: Turn) -> None:
    for job in turn.afterwards:
        await job()


async def _notice(turn: Turn, key: str) -> None:
    turn.notice(key)
