"""The seam between the coach and its features: what a feature may declare.

A feature is one `Feature` value built by a factory `feature(context)`;
`bot/features.py` lists the factories and the `Coach` assembles them once, at
construction, into a `Registry` (like Starlette's `routes=[…]`). Nothing is
registered later, so every route into the features can be read here and in
`features.py`, and two features claiming the same name fail at start-up.

Features depend on narrow things: the `Turn` they are given, and a
`FeatureContext` (content, settings, a `Jobs` handle for background work, and
the assembled `Registry` for the few features that list others' entries, such
as /help and /settings). None of them imports the coach.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import yaml
from sqlalchemy import ColumnElement, bindparam
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.engine import payloads
from bot.engine.content import Content
from bot.engine.outputs import Action, Effect, Keyboard
from bot.engine.payloads import Payload
from bot.sending import SendHooks
from bot.storage.models import User, WaitingInput
from bot.turn import Outbound, Turn

Handler = Callable[[Turn], Awaitable[None]]
ButtonHandler = Callable[[Turn, Any], Awaitable[None]]
"""Takes the pressed button's payload, already unpacked into its class."""
ActionHandler = Callable[[Turn, Action], Awaitable[None]]
EffectListener = Callable[[Turn, Effect], Awaitable[None]]
TextScreen = Callable[[Turn, str], Awaitable[bool]]
"""Looks at free text before the engine does; True means "handled, stop here"."""
StartPayload = Callable[[Turn, str], Awaitable[bool]]
"""Handles `/start <payload>` (deep links); False lets the normal /start run."""
LocationHandler = Callable[[Turn, float, float], Awaitable[None]]
TypedInput = Callable[[Turn, str, WaitingInput], Awaitable[bool]]
"""Takes the typed answer to a question the feature asked (`bot.waiting`); False passes it on."""
T = TypeVar("T")


PERSON_ID = bindparam("uid")
"""The acting person's id inside a `Screen.pending` condition."""


@dataclass(frozen=True)
class Screen:
    """A feature's claim on free text while it waits for something typed.

    `pending` is SQL that is true whenever `run` might take the text (a
    question it asked is still open), with the person's id bound as `:uid`.
    All of them are asked in one query, so text meant for a conversation
    costs no query per feature and stays on the fast path.
    """

    run: TextScreen
    pending: ColumnElement[bool]


@dataclass(frozen=True)
class Periodic:
    """A background job (nudge sweep, cooldown timers) that transports schedule.

    `run` returns messages to deliver, so the job itself never talks to Telegram.
    While it returns messages, the transport calls it again (preparing the next
    batch while sending the current one), so a backlog drains at the sending pace.
    `hooks`, if given, hears about each message right before and after it is
    sent, so a job can guarantee and record exactly-once delivery.
    `concurrency` lets the transport send to that many chats at once.
    """

    name: str
    every_seconds: float
    run: Callable[[], Awaitable[list[Outbound]]]
    hooks: SendHooks | None = None
    concurrency: int = 1


@dataclass(frozen=True)
class SettingsSection:
    """One entry of /settings: a button (label from an interface string) that opens it."""

    key: str
    label_key: str
    open: Handler
    order: int = 100


@dataclass(frozen=True)
class Command:
    handler: Handler
    in_menu: bool = True
    """Whether it is listed in Telegram's command menu (and /help's order)."""


@dataclass(frozen=True)
class TopicsPart:
    """What a feature adds to the /topics menu around the list of conversations."""

    text: str = ""
    """Said above the menu's own title (e.g. suggestions and why)."""
    above: Keyboard = ()
    below: Keyboard = ()
    last: Keyboard = ()
    """Rows that close the menu, after every feature's `below` (the calm-break button)."""


TopicsHook = Callable[[Turn], Awaitable[TopicsPart]]


class DataError(Exception):
    """A content file is unsound; the message lists each problem as `file: place: reason`."""


def checked(path: str, load: Callable[[], T]) -> T:
    """`load()`, with any problem in the file reported as `path: -: reason` (a `DataError`)."""
    try:
        return load()
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        reason = " ".join(str(exc).split())[:300]
        raise DataError(f"{path}: -: {type(exc).__name__}: {reason}") from None


@dataclass(frozen=True)
class DataFile(Generic[T]):
    """A content file (or folder) under the data directory that a feature reads.

    A feature factory declares the files it reads with `@reads(…)` and gets
    each one through `context.data(file)`: the runtime loads it once per
    process, and `python -m bot check-content` runs the same `load` over
    every declared file, so what start-up accepts is what the check accepts.
    """

    path: str
    """Relative to `Settings.data_dir`."""
    load: Callable[[Path, tuple[str, ...]], T]
    """(data directory, languages) -> the loaded value; raises `DataError` when unsound."""

    def problems(self, data_dir: Path, languages: tuple[str, ...]) -> list[str]:
        try:
            self.load(data_dir, languages)
        except DataError as exc:
            return str(exc).splitlines()
        return []


class Roster(Protocol):
    """Who is in a group chat right now, as the transport can ask its platform."""

    async def count(self) -> int: ...

    async def has(self, user_id: int) -> bool: ...


@dataclass(frozen=True)
class KnownRoster:
    """A group's members as the platform answered just before a turn.

    Asking Telegram takes a network round trip; a turn holds a database
    transaction (and on PostgreSQL its couple's lock), so the question is asked
    first and the turn decides on the answer (`ask_roster`).
    """

    size: int
    members: frozenset[int]

    async def count(self) -> int:
        return self.size

    async def has(self, user_id: int) -> bool:
        return user_id in self.members


async def ask_roster(roster: Roster, user_ids: Iterable[int]) -> KnownRoster:
    """Ask `roster` now, about these people, so nobody asks it inside a transaction."""
    if isinstance(roster, KnownRoster):
        return roster
    size = await roster.count()
    members = frozenset([uid for uid in dict.fromkeys(user_ids) if await roster.has(uid)])
    return KnownRoster(size, members)


@dataclass(frozen=True)
class GroupEvent:
    """Something that happened in a group chat, as the transport read it.

    `kind` is one of: "added" (the bot joined the group; `user_id` added it),
    "removed" (the bot was removed), "command" (`name`, without the @bot part),
    "press" (a button's `data`), "reply" (`text` replying to one of the bot's
    messages), "joined" or "left" (`subject` joined or left; `user_id` did it),
    "migrated" (the group became a supergroup: `chat_id` is the old id, `moved_to`
    the new one; it may arrive twice, once from each chat, and `user_id` may be 0).
    `user_id` is also the person's private chat (Telegram's ids are the same).
    """

    chat_id: int
    kind: str
    user_id: int
    first_name: str = ""
    language_code: str | None = None
    name: str = ""
    data: str = ""
    text: str = ""
    subject: int | None = None
    roster: Roster | None = None
    """Who is in the group, for events that change or check it (None for presses and
    replies). The coach asks it before the turn's transaction (`ask_roster`)."""
    moved_to: int | None = None
    """For "migrated": the group's new chat id, where everything is said from now on."""


@dataclass(frozen=True)
class GroupChat:
    """What a feature that acts in group chats (the Talk Table) answers; one at most."""

    partner: Callable[[Turn, GroupEvent], Awaitable[None]]
    """An event caused by someone Attune knows, in a turn of theirs."""
    stranger: Callable[[GroupEvent], Awaitable[list[Outbound]]]
    """An event caused by someone Attune does not know: no turn, and no row of theirs."""
    given_back: Callable[[Turn, int, str], Awaitable[bool]] | None = None
    """Text a person wrote in the group (chat id), held by the safety screen and given back
    ("That's not what I meant", "I'm safe, go on"), in a turn of theirs from their private
    chat: read as if just written, past the screens. False when it no longer fits (the
    table moved on or closed)."""


@dataclass(frozen=True)
class Feature:
    """Everything one feature plugs into the coach, declared in one place."""

    name: str
    commands: Mapping[str, Command] = field(default_factory=dict)
    buttons: Mapping[type[Payload], ButtonHandler] = field(default_factory=dict)
    """Handlers by payload class; each gets the unpacked payload (routed by its prefix)."""
    actions: Mapping[str, ActionHandler] = field(default_factory=dict)
    """Handlers of dialog actions named in the YAML (`action: …`)."""
    safety_screens: Sequence[TextScreen] = ()
    """Read every piece of text first, captions and edits included."""
    typed: TypedInput | None = None
    """Takes typed answers to the questions this feature asked with `bot.waiting.ask`."""
    screens: Sequence[Screen] = ()
    """Text a feature takes while it is in a mode (a break), not answering one question."""
    effect_listeners: Sequence[EffectListener] = ()
    link_listeners: Sequence[Handler] = ()
    """Run in the joiner's turn right after two people link (`turn.partner` is set)."""
    link_settled: Sequence[Handler] = ()
    """Run once both partners of a new link have answered (or skipped) the private safety
    question (`bot.safety.link_question`) and neither is in quiet mode, in the turn of
    whoever answered last: what the link itself would share waits for this."""
    fallback_text: Handler | None = None
    """Typed text no screen took (the dialogs' answers); one feature at most."""
    start_payload: StartPayload | None = None
    location: LocationHandler | None = None
    topics: TopicsHook | None = None
    periodic: Sequence[Periodic] = ()
    settings_sections: Sequence[SettingsSection] = ()
    group: GroupChat | None = None
    """Group chats: Attune acts in a group only for this feature (the Talk Table)."""
    quiet_hours: QuietHours | None = None
    """When a person's quiet hours end, if a moment falls in them; one feature at most."""
    returned: Sequence[Returned] = ()
    """Run first in a person's own turn when they were last seen `SEEN_EVERY` or more ago
    (whatever they do: a command, a message, a press), with when that was (None: unknown)."""


QuietHours = Callable[[AsyncSession, User, datetime], Awaitable[datetime | None]]
"""(session, person, now) -> the end of the person's quiet hours if `now` is in them, else None."""


Returned = Callable[[Turn, datetime | None], Awaitable[None]]


class Jobs(Protocol):
    """What background work needs of the coach: storage, the clock, and turns without input."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]

    async def for_user(self, user_id: int, handler: Handler) -> list[Outbound]: ...


@dataclass(frozen=True)
class FeatureContext:
    """What a feature factory is given."""

    content: Content
    settings: Settings
    jobs: Jobs
    registry: Registry
    """All features' entries; complete once every factory has run (read it in handlers)."""
    allowed: tuple[DataFile[Any], ...] = ()
    """The data files the factory being built declared with `@reads`."""

    def data(self, file: DataFile[T]) -> T:
        """A declared data file, loaded once per process."""
        if file not in self.allowed:
            raise LookupError(f"{file.path} is read but not declared with @reads")
        return _loaded(file, self.settings.data_dir, self.content.languages)


FeatureFactory = Callable[[FeatureContext], Feature]


def reads(*files: DataFile[Any]) -> Callable[[FeatureFactory], FeatureFactory]:
    """Declare the data files a feature factory reads (see `DataFile`)."""

    def declare(factory: FeatureFactory) -> FeatureFactory:
        factory.data_files = files  # type: ignore[attr-defined]
        return factory

    return declare


def data_files(factory: FeatureFactory) -> tuple[DataFile[Any], ...]:
    """What `factory` declared with `@reads` (nothing when it reads no data file)."""
    return getattr(factory, "data_files", ())


@cache
def _loaded(file: DataFile[T], data_dir: Path, languages: tuple[str, ...]) -> T:
    return file.load(data_dir, languages)


class Registry:
    """Every feature's entries, assembled once, in the order the features are listed."""

    def __init__(self) -> None:
        self.features: list[Feature] = []
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, Button] = {}
        """By payload prefix."""
        self.actions: dict[str, ActionHandler] = {}
        self.safety_screens: list[TextScreen] = []
        self.typed: dict[str, TypedInput] = {}
        self.screens: list[Screen] = []
        self.effect_listeners: list[EffectListener] = []
        self.link_listeners: list[Handler] = []
        self.link_settled: list[Handler] = []
        self.fallback_text: Handler | None = None
        self.start_payload: StartPayload | None = None
        self.location: LocationHandler | None = None
        self.topics: list[TopicsHook] = []
        self.periodic: list[Periodic] = []
        self.settings_sections: list[SettingsSection] = []
        self.group: GroupChat | None = None
        self.quiet_hours: QuietHours | None = None
        self.returned: list[Returned] = []

    def add(self, feature: Feature) -> None:
        """Take in one feature; a name two features claim is an error, not a shadow."""
        where = f"feature {feature.name!r}"
        _claim_all(self.commands, feature.commands, f"{where}: command")
        buttons = {cls.prefix: Button(cls, handler) for cls, handler in feature.buttons.items()}
        _claim_all(self.buttons, buttons, f"{where}: button kind")
        _no_shadows([b.payload for b in self.buttons.values()], where)
        _claim_all(self.actions, feature.actions, f"{where}: dialog action")
        self.fallback_text = _one(self.fallback_text, feature.fallback_text, f"{where}: fallback")
        self.start_payload = _one(self.start_payload, feature.start_payload, f"{where}: /start")
        self.location = _one(self.location, feature.location, f"{where}: location")
        self.group = _one(self.group, feature.group, f"{where}: group chats")
        self.quiet_hours = _one(self.quiet_hours, feature.quiet_hours, f"{where}: quiet hours")
        if feature.typed is not None:
            _claim_all(self.typed, {feature.name: feature.typed}, f"{where}: typed input of")
        self.safety_screens += feature.safety_screens
        self.screens += feature.screens
        self.effect_listeners += feature.effect_listeners
        self.link_listeners += feature.link_listeners
        self.link_settled += feature.link_settled
        self.returned += feature.returned
        self.topics += [feature.topics] if feature.topics else []
        self.periodic += feature.periodic
        self.settings_sections += feature.settings_sections
        self.features.append(feature)

    def button(self, data: str) -> tuple[Any, ButtonHandler] | None:
        """The payload `data` carries and its handler; None for data none of ours would send.

        The longest registered prefix wins (`cd|sign|12|3` is `cd|sign`'s, not `cd`'s),
        and data that does not unpack into that class exactly is refused, never guessed.
        """
        found: Button | None = payloads.route(data, self.buttons)
        payload = found.payload.unpack(data) if found else None
        return (payload, found.handler) if found and payload is not None else None


@dataclass(frozen=True)
class Button:
    payload: type[Payload]
    handler: ButtonHandler


def assemble(
    factories: Iterable[FeatureFactory], content: Content, settings: Settings, jobs: Jobs
) -> Registry:
    registry = Registry()
    for factory in factories:
        context = FeatureContext(content, settings, jobs, registry, data_files(factory))
        registry.add(factory(context))
    return registry


def _claim_all(registry: dict[str, Any], entries: Mapping[str, Any], what: str) -> None:
    for key, value in entries.items():
        if key in registry:
            raise ValueError(f"{what} {key!r} is registered twice")
        registry[key] = value


def _no_shadows(classes: list[type[Payload]], where: str) -> None:
    """A button whose data another prefix would take is refused at start-up."""
    for shorter in classes:
        for longer in classes:
            if payloads.shadows(shorter, longer):
                raise ValueError(
                    f"{where}: button kind {longer.prefix!r} would take data of "
                    f"{shorter.prefix!r}, whose first field may be {longer.prefix!r}'s next part"
                )


def _one(current: T | None, offered: T | None, what: str) -> T | None:
    if offered is None:
        return current
    if current is not None:
        raise ValueError(f"{what} is already handled by another feature")
    return offered
