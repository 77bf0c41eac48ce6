"""A couple's first month with Attune, lived through the real `python -m bot` process.

Alex (Istanbul) and Sam (New York) start, take the relationship check, link,
choose their check-in days, talk, play love maps, plan an idea together and
answer its follow-up; Sam is away for two weeks and is welcomed back; four
weeks on, both take the check again and compare.

Time: the process reads its clock from `CLOCK_OFFSET_FILE` (bot/clock.py).
`Month.jump_to` writes a new offset, as if the couple simply waited: nothing
inside the process is patched and no row is edited, so check-in days, quiet
hours, follow-ups and the four-week check are all the process's own decisions.
The month starts on Monday 4 January 2027 (no daylight-saving change in
either city during it), so the transcript's dates are the same on every run.

`tests/e2e/test_first_month.py` asserts on it; `python -m tests.support.first_month`
rewrites docs/first-week-transcript.md and prints the figures.
"""

from __future__ import annotations

import collections
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy
from sqlmodel import Session, col, select

from bot.config import PROJECT_ROOT
from bot.delivery.record import CLAIMED, SENDING, SENT
from bot.followups.models import ExerciseFollowup, ExercisePlan
from bot.lovemaps.models import LoveMapRound
from bot.nudges.models import NudgeDelivery, NudgeSchedule
from tests.e2e.harness import BotProcess
from tests.e2e.test_couples import LINK
from tests.fakes.simulated import SimUser
from tests.fakes.telegram_server import FakeBotApiServer

START = datetime(2027, 1, 4, 14, 0, tzinfo=UTC)
"""Monday, 17:00 in Istanbul and 09:00 in New York."""
DAYS = 30
OUTPUTS = ("sendMessage", "sendPhoto")
EDITS = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")
QUIET = 0.1
"""Seconds without new bot output: the bot has finished answering."""
BLAME = re.compile(
    r"(your|the|a) streak|streak (ended|broke|is over)|missed|in a row|you haven't|you didn't"
    r"|where were you|been a while|catch up on all",
    re.IGNORECASE,
)
"""Words of guilt a returning person must never read ("nothing to catch up on" is fine)."""


@dataclass(frozen=True)
class Person:
    name: str
    user_id: int
    tz: str
    days: tuple[int, ...]
    """Check-in weekdays they choose, 0 = Monday."""
    minute: int
    quiet: tuple[int, int]

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(ZoneInfo(self.tz))

    def in_quiet(self, moment: datetime) -> bool:
        local = self.local(moment)
        minute = local.hour * 60 + local.minute
        start, end = self.quiet
        return minute >= start or minute < end if start > end else start <= minute < end


ALEX = Person("Alex", 8101, "Europe/Istanbul", (0, 2, 4), 20 * 60 + 30, (22 * 60, 8 * 60))
SAM = Person("Sam", 8102, "America/New_York", (1, 3, 5), 8 * 60, (23 * 60, 7 * 60))


@dataclass
class Line:
    """One line of the diary: a bot output or what a person did, in call order."""

    mark: int
    at: datetime
    who: str
    what: str
    text: str
    buttons: tuple[str, ...] = ()


@dataclass
class Figures:
    messages_per_day: dict[str, dict[date, int]]
    prompts_per_pool: dict[str, int]
    repeats: int
    follow_ups_sent: int
    follow_ups_answered: int
    love_maps_rounds: int
    unprompted: dict[str, int]

    def lines(self) -> list[str]:
        out = []
        for who, per_day in self.messages_per_day.items():
            counts = list(per_day.values())
            out.append(
                f"{who}: {sum(counts)} messages over {len(counts)} active days, "
                f"max {max(counts)} a day, mean {sum(counts) / DAYS:.1f} a day over {DAYS} days; "
                f"{self.unprompted[who]} unprompted (check-ins, follow-ups, partner news)"
            )
            out.append("  per day: " + ", ".join(f"{d:%d.%m} {n}" for d, n in per_day.items()))
        pools = ", ".join(f"{k} {v}" for k, v in sorted(self.prompts_per_pool.items()))
        out.append(f"prompts used per pool: {pools}")
        out.append(f"repeats: {self.repeats}")
        out.append(
            f"follow-ups sent {self.follow_ups_sent}, answered {self.follow_ups_answered}; "
            f"love-maps rounds {self.love_maps_rounds}"
        )
        return out


@dataclass
class Month:
    """The couple, the process, the clock and the diary."""

    server: FakeBotApiServer
    tmp: Path
    url: str = ""
    offset_file: Path = field(init=False)
    bot: BotProcess = field(init=False)
    people: dict[str, SimUser] = field(default_factory=dict)
    actions: list[Line] = field(default_factory=list)
    timeline: list[tuple[float, float]] = field(default_factory=list)
    """(monotonic moment, clock offset in seconds) at each jump."""
    private: dict[str, list[str]] = field(default_factory=dict)
    """Words each person typed that only they may see, or both in a reveal once both answered."""
    engine: Any = None

    def __post_init__(self) -> None:
        self.url = self.url or f"sqlite+aiosqlite:///{self.tmp / 'month.db'}"
        self.offset_file = self.tmp / "clock-offset"
        self.jump_to(START)
        self.bot = BotProcess(
            self.server,
            self.url,
            self.tmp / "bot.log",
            {
                "CLOCK_OFFSET_FILE": str(self.offset_file),
                "NUDGE_SWEEP_SECONDS": "0.2",
                "LOG_LEVEL": "INFO",
            },
        )
        core = self.server.core
        for person in (ALEX, SAM):
            self.people[person.name] = core.user(person.user_id, person.name)
            self.private[person.name] = []

    # -- time -------------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.timeline[-1][1])

    def jump_to(self, moment: datetime) -> None:
        """Let time pass until `moment` (never backwards)."""
        if self.timeline and moment <= self.now():
            return
        offset = (moment - datetime.now(UTC)).total_seconds()
        self.offset_file.write_text(f"{offset:.6f}")
        self.timeline.append((time.monotonic(), offset))
        if hasattr(self, "bot"):  # time passed: what comes next was not asked for just now
            self.actions.append(Line(self.server.core.mark(), moment, "", "jump", ""))

    def at(self, monotonic: float) -> datetime:
        """The process's time at a monotonic moment of this run."""
        offset = next((o for t, o in reversed(self.timeline) if t <= monotonic), 0.0)
        wall = datetime.now(UTC) - timedelta(seconds=time.monotonic() - monotonic)
        return wall + timedelta(seconds=offset)

    def day(self, n: int, person: Person, hour: int, minute: int = 0) -> datetime:
        """Day `n` of the month (1 = the start) at a local time of `person`."""
        local = START.astimezone(ZoneInfo(person.tz)).date() + timedelta(days=n - 1)
        moment = datetime(local.year, local.month, local.day, hour, minute)
        return moment.replace(tzinfo=ZoneInfo(person.tz)).astimezone(UTC)

    # -- acting -------------------------------------------------------------------------

    def _note(self, who: str, what: str, text: str) -> None:
        self.actions.append(Line(self.server.core.mark(), self.now(), who, what, text))

    def tap(self, who: str, label: str, *, settle: bool = True) -> None:
        self._note(who, "tap", label)
        self.people[who].press(label)
        if settle:
            self.settle(who)

    def type(self, who: str, text: str, *, private: bool = True, settle: bool = True) -> None:
        self._note(who, "type", text)
        if private:
            self.private[who].append(text)
        self.people[who].send_text(text)
        if settle:
            self.settle(who)

    def command(self, who: str, command: str, payload: str | None = None) -> None:
        self._note(who, "type", command if payload is None else f"{command} {payload}")
        self.people[who].send_command(command, payload)
        self.settle(who)

    def settle(self, who: str) -> None:
        """Wait for the answer to `who`'s last action, then until the bot falls quiet."""
        user = self.people[who]
        user.wait_for_reply(timeout=15)
        core = self.server.core
        seen, deadline = len(core.calls), time.monotonic() + QUIET
        patience = time.monotonic() + 3
        while time.monotonic() < deadline or (
            self._half_done(user) and time.monotonic() < patience
        ):
            time.sleep(0.02)
            if len(core.calls) != seen:
                seen, deadline = len(core.calls), time.monotonic() + QUIET

    def settle_quietly(self) -> None:
        """Wait until the bot has said nothing new for a moment."""
        core = self.server.core
        seen, deadline = len(core.calls), time.monotonic() + QUIET
        while time.monotonic() < deadline:
            time.sleep(0.02)
            if len(core.calls) != seen:
                seen, deadline = len(core.calls), time.monotonic() + QUIET

    @staticmethod
    def _half_done(user: SimUser) -> bool:
        last = user.inbox()[-1]
        return last.edited and not last.keyboard

    def last(self, who: str) -> Any:
        return self.people[who].inbox()[-1]

    def buttons(self, who: str) -> list[str]:
        return list(self.last(who).button_texts)

    def wait_for(self, who: str, contains: str, since: int, timeout: float = 15) -> Any:
        """The first bot output to `who` since call `since` that contains `contains`."""
        user = self.people[who]
        call = self.server.core.wait_for(
            lambda c: user._is_bot_output(c, contains), timeout, since=since
        )
        return user._as_inbox(call)

    def received(self, who: str, since: int = 0, *, edits: bool = True) -> list[str]:
        """Texts and captions sent (and, with `edits`, edited) to `who` since call `since`."""
        chat = self.people[who].chat_id
        methods = OUTPUTS + EDITS if edits else OUTPUTS
        out = []
        for call in self.server.core.calls[since:]:
            if call.ok and call.chat_id == chat and call.method in methods:
                result = call.result if isinstance(call.result, dict) else {}
                out.append(result.get("text", result.get("caption", "")) or "")
        return out

    # -- the database (read only) ----------------------------------------------------------

    def read(self, query: Callable[[Session], Any]) -> Any:
        """Read the bot's database (SQLite, read only), the way a person never could."""
        if self.engine is None:
            self.engine = sqlalchemy.create_engine(self.url.replace("+aiosqlite", ""))
        with Session(self.engine) as session:
            return query(session)

    def dues(self) -> dict[int, datetime]:
        """Each person's next check-in or weekly picture, whichever comes first."""

        def query(session: Session) -> Any:
            rows = session.exec(select(NudgeSchedule))
            return {
                r.user_id: min(d for d in (r.next_due_at, r.summary_due_at) if d is not None)
                for r in rows
                if r.next_due_at is not None or r.summary_due_at is not None
            }

        return self.read(query)

    def open_deliveries(self) -> int:
        def query(session: Session) -> Any:
            open_ = col(NudgeDelivery.status).in_((CLAIMED, SENDING))
            rows = session.exec(select(NudgeDelivery).where(open_))
            return len(list(rows))

        return self.read(query)

    # -- the diary --------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[BotProcess]:
        self.bot.start()
        try:
            yield self.bot
        finally:
            if self.bot.process is not None and self.bot.process.poll() is None:
                self.bot.stop()

    def diary(self, until: datetime | None = None) -> list[Line]:
        """Everything both saw and did, in order: bot messages (with their buttons) and actions."""
        chats = {u.chat_id: name for name, u in self.people.items()}
        lines = [a for a in self.actions if until is None or a.at < until]
        for i, call in enumerate(self.server.core.calls):
            if not (call.ok and call.method in OUTPUTS + EDITS[:1] and call.chat_id in chats):
                continue
            moment = self.at(call.at)
            if until is not None and moment >= until:
                continue
            result = call.result if isinstance(call.result, dict) else {}
            text = result.get("text", result.get("caption", "")) or ""
            markup = (result.get("reply_markup") or {}).get("inline_keyboard", [])
            labels = tuple(b["text"] for row in markup for b in row)
            what = {"sendPhoto": "photo", "editMessageText": "edits"}.get(call.method, "says")
            lines.append(Line(i, moment, chats[call.chat_id], what, text, labels))
        return sorted(lines, key=lambda line: (line.mark, line.what in ("says", "photo", "edits")))

    def figures(self) -> Figures:
        chats = {u.chat_id: name for name, u in self.people.items()}
        zones = {ALEX.name: ALEX, SAM.name: SAM}
        per_day: dict[str, dict[date, int]] = {n: collections.Counter() for n in self.people}
        for call in self.server.core.calls:
            if call.ok and call.method in OUTPUTS and call.chat_id in chats:
                who = chats[call.chat_id]
                per_day[who][zones[who].local(self.at(call.at)).date()] += 1

        def query(session: Session) -> Any:
            sent = list(session.exec(select(NudgeDelivery).where(NudgeDelivery.status == SENT)))
            follow = list(session.exec(select(ExerciseFollowup)))
            plans = list(session.exec(select(ExercisePlan)))
            rounds = list(session.exec(select(LoveMapRound)))
            return sent, follow, plans, rounds

        sent, follow, plans, rounds = self.read(query)
        pools: collections.Counter[str] = collections.Counter()
        used: collections.Counter[tuple[Any, ...]] = collections.Counter()
        for row in sent:
            if row.prompt and row.kind != "couple":
                pools[row.kind] += 1
                used[(row.kind, row.user_id, row.prompt)] += 1
        # a couple question is one prompt both partners answer: once per person per couple
        couple = collections.Counter(
            (r.couple_id, r.user_id, r.prompt) for r in sent if r.kind == "couple" and r.prompt
        )
        pools["couple"] = len({(c, p) for c, _, p in couple})
        repeats = sum(n - 1 for n in [*used.values(), *couple.values()])
        for round_ in rounds:
            pools[f"love maps (depth {round_.depth})"] += 1
        repeats += len(rounds) - len({(r.couple_id, r.question) for r in rounds})
        ideas = [p.ref for p in plans if p.source == "idea"]
        pools["ideas planned"] = len(ideas)
        repeats += len(ideas) - len(set(ideas))
        unprompted = dict.fromkeys(self.people, 0)
        for line in self.unprompted():
            unprompted[line.who] += 1
        return Figures(
            messages_per_day={k: dict(sorted(v.items())) for k, v in per_day.items()},
            prompts_per_pool=dict(pools),
            repeats=repeats,
            follow_ups_sent=sum(1 for f in follow if f.delivery_id is not None),
            follow_ups_answered=sum(1 for f in follow if f.answered_at is not None),
            love_maps_rounds=len(rounds),
            unprompted=unprompted,
        )

    def unprompted(self) -> list[Line]:
        """Bot messages a person did not ask for: none of their own actions came just before."""
        lines = self.diary()
        out, last_actor = [], ""
        for line in lines:
            if line.what in ("tap", "type", "jump"):
                last_actor = line.who
            elif line.who != last_actor:
                out.append(line)
        return out


def own_initiative(line: Line) -> bool:
    """Sent by Attune on its own (a check-in, a follow-up, the weekly picture), not news that
    the partner's action brought."""
    return line.what == "photo" or "⏰ In an hour" in line.buttons


def partner_news_in_quiet_hours(month: Month) -> list[Line]:
    """Messages a partner's action sent during the reader's quiet hours (none: the coach
    holds partner news until they end; a break notice, urgent, would be the exception)."""
    zones = {ALEX.name: ALEX, SAM.name: SAM}
    return [
        line
        for line in month.unprompted()
        if not own_initiative(line) and zones[line.who].in_quiet(line.at)
    ]


def transcript(month: Month, days: int = 7) -> str:
    """The first week as markdown: both sides, in order, each with its local time."""
    zones = {ALEX.name: ALEX, SAM.name: SAM}
    until = START + timedelta(days=days)
    out = [
        "# A couple's first week with Attune",
        "",
        "Generated by `python -m tests.support.first_month` from a run of the real bot",
        "process against the fake Bot API (the same run `tests/e2e/test_first_month.py` checks).",
        f"Alex lives in Istanbul ({ALEX.tz}), Sam in New York ({SAM.tz});",
        "each line carries the reader's own local time. 🤖 is Attune; [buttons] are the",
        "buttons under a message; ▶ is what the person tapped or typed.",
        "",
    ]
    current: date | None = None
    shown: dict[str, str] = {}
    for line in month.diary(until):
        if line.what == "jump":
            continue
        if line.what == "edits" and line.text.startswith(shown.get(line.who, "\0")):
            continue  # the same message with a ✓ added or its buttons gone: nothing new to read
        if line.what != "tap" and line.what != "type":
            shown[line.who] = line.text
        local = zones[line.who].local(line.at)
        day = ALEX.local(line.at).date()
        if day != current:
            current = day
            out += ["", f"## {current:%A %d %B %Y} (in Istanbul)", ""]
        stamp = f"{local:%a %H:%M}"
        if line.what in ("tap", "type"):
            verb = "taps" if line.what == "tap" else "types"
            out.append(f"- **{line.who}** {stamp} ▶ {verb} “{line.text}”")
        else:
            body = line.text.replace("\n\n", "\n").replace("\n", "<br>")
            photo = {"photo": "🖼️ (a picture) ", "edits": "✎ (the message above, edited) "}.get(
                line.what, ""
            )
            buttons = f" [{' · '.join(line.buttons)}]" if line.buttons else ""
            out.append(f"- 🤖 → **{line.who}** {stamp}: {photo}{body}{buttons}")
    text = "\n".join(out).replace("\n\n\n", "\n\n") + "\n"
    return INVITE.sub(r"\1<invite code>", text)  # a new random code every run


# -- the month -------------------------------------------------------------------------------


def welcome(month: Month, who: str, why: str, mood: str, focus: str, check: bool) -> None:
    month.command(who, "/start")
    labels = month.buttons(who)
    month.tap(who, labels[0])  # "Sounds good"
    month.type(who, why)
    month.tap(who, mood)
    month.tap(who, focus)
    month.tap(who, "Let's do the check" if check else "Maybe later")


def answer_check(month: Month, who: str, answers: dict[int, str], usual: str) -> None:
    """Tap through the check's statements (1-based index -> label; `usual` otherwise)."""
    for index in range(1, 13):
        text = month.last(who).text
        assert f"{index}/12" in text, text
        month.tap(who, answers.get(index, usual))


def link(month: Month) -> None:
    month.command("Alex", "/invite")
    since = month.server.core.mark()
    month.tap("Alex", "Use “Alex”")
    # the invite may come after the bot fell quiet for a moment (a loaded machine): wait for it
    invite = month.wait_for("Alex", "Here's your invite", since).text or ""
    code = LINK.search(invite)
    assert code is not None, invite
    month.command("Sam", "/start", code.group(1))
    month.tap("Sam", "Use “Sam”")
    month.wait_for("Alex", "Sam accepted your invite", 0)


def choose_rhythm(month: Month, person: Person, quiet_label: str) -> None:
    """Timezone typed, days toggled, time typed, quiet hours picked, all in /settings."""
    who = person.name
    month.command(who, "/settings")
    month.tap(who, next(b for b in month.buttons(who) if "Check-ins" in b))
    month.tap(who, next(b for b in month.buttons(who) if "Timezone" in b))
    month.type(who, person.tz, private=False)
    month.tap(who, next(b for b in month.buttons(who) if "Days" in b))
    chosen = {1, 4}  # the default: Tuesday and Friday
    for day in sorted(chosen ^ set(person.days)):
        name = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[day]
        month.tap(who, next(b for b in month.buttons(who) if b.endswith(name)))
    month.tap(who, "Done")
    month.tap(who, next(b for b in month.buttons(who) if "Time" in b and "zone" not in b))
    month.type(who, f"{person.minute // 60:02d}:{person.minute % 60:02d}", private=False)
    month.tap(who, next(b for b in month.buttons(who) if "Quiet" in b))
    month.tap(who, quiet_label)


def talk(month: Month, who: str, title: str, words: list[str]) -> None:
    """Walk one conversation from /topics: the first choice, "We'll try it", typed answers."""
    month.command(who, "/topics")
    month.tap(who, next(b for b in month.buttons(who) if b.endswith(title)))
    typed = iter(words)
    for _ in range(40):
        buttons = month.buttons(who)
        if "All conversations" in buttons:
            return
        if buttons:
            month.tap(who, "We'll try it" if "We'll try it" in buttons else buttons[0])
        else:
            month.type(who, next(typed))
    raise AssertionError(f"{title} did not end:\n{month.people[who].transcript()}")


def play_love_maps(month: Month, who: str, words: str, *, start: str | None = None) -> None:
    """Answer about yourself, then guess: the first choice offered, or a few words."""
    user = month.people[who]
    if start is not None:
        month.command(who, "/lovemaps")
        month.tap(who, start)
    for prefix in ("lm|o|", "lm|g|"):
        last = user.inbox()[-1]
        choices = [
            b["text"] for row in last.keyboard for b in row if b["callback_data"].startswith(prefix)
        ]
        if choices:
            month.tap(who, choices[0])
        else:
            month.type(who, words, private=False)  # shown to both in the reveal


@dataclass
class Habits:
    """How a person answers their check-ins."""

    score: str
    feeling: str
    words: list[str]
    away: tuple[int, int] | None = None
    """Days of the month (inclusive) on which they read nothing."""

    def is_away(self, day: int) -> bool:
        return self.away is not None and self.away[0] <= day <= self.away[1]


def answer_check_in(month: Month, who: str, habits: Habits) -> str:
    """Answer whatever the check-in asks, the way this person does; returns its kind."""
    text = month.last(who).text
    buttons = month.buttons(who)
    if "Did it happen?" in text:
        month.tap(who, "✅ Yes, it happened")
        month.tap(who, habits.feeling)
        return "follow-up"
    if habits.score in buttons:
        month.tap(who, habits.score)
        if "Keep it private" in month.buttons(who):
            month.tap(who, "Keep it private")
        month.type(who, habits.words.pop(0))
        return "check-in"
    if "✍️ Answer now" in buttons:
        kind = "couple" if "for the two of you" in text else "written"
        month.tap(who, "✍️ Answer now")
        month.type(who, habits.words.pop(0))
        if "Keep it private" in month.buttons(who):
            month.tap(who, "Keep it private")
        return kind
    return "other"


def day_of(month: Month, moment: datetime) -> int:
    return (moment - START).days + 1


def live_until(month: Month, end: datetime, habits: dict[str, Habits]) -> None:
    """Let time pass to `end`, one due check-in (or weekly picture) after another."""
    ids = {p.user_id: p.name for p in (ALEX, SAM)}
    while True:
        dues = month.dues()
        due = min(dues.values(), default=None)
        if due is None or due >= end:
            month.jump_to(end)
            return
        mark = month.server.core.mark()
        month.jump_to(due + timedelta(seconds=20))
        whose = [ids[u] for u, d in dues.items() if d <= due]
        deadline = time.monotonic() + 15
        while any(d <= month.now() for d in month.dues().values()) or month.open_deliveries():
            assert time.monotonic() < deadline, "a due check-in was not handled"
            time.sleep(0.05)
        for who in whose:
            if not month.received(who, mark):
                continue  # skipped (quiet hours, a pause, one a day): nothing to answer
            month.settle_quietly()
            if not habits[who].is_away(day_of(month, month.now())):
                answer_check_in(month, who, habits[who])


@dataclass
class Story:
    """What the month produced, for the test to check."""

    suggested_alex: str = ""
    suggested_sam: str = ""
    welcome_back: list[str] = field(default_factory=list)
    returned_at: int = 0
    notes: dict[str, Any] = field(default_factory=dict)


def first_month(month: Month) -> Story:
    """The month itself; each step waits for what Attune must say, so a wrong turn fails here."""
    story = Story()
    habits = {
        "Alex": Habits("4", "4", [f"Alex's private note {i}" for i in range(1, 40)]),
        "Sam": Habits("5", "5", [f"Sam's private note {i}" for i in range(1, 40)], away=(12, 25)),
    }
    # Day 1, Monday: both start, Alex takes the check, they link and choose their rhythm.
    live_until(month, month.day(1, ALEX, 17, 5), habits)
    welcome(
        month,
        "Alex",
        "We keep missing each other lately.",
        "A bit distant lately",
        "Time for each other",
        check=True,
    )
    answer_check(month, "Alex", {2: "Rarely", 5: "Sometimes"}, "Often")
    story.suggested_alex = month.last("Alex").text
    live_until(month, month.day(1, SAM, 9, 20), habits)
    welcome(
        month,
        "Sam",
        "I want us to argue less and laugh more.",
        "Close, and I want to keep it that way",
        "Gentler disagreements",
        check=False,
    )
    story.suggested_sam = month.last("Sam").text
    link(month)
    for who in ("Alex", "Sam"):
        month.tap(who, "Yes")  # the private safety question after linking: do you feel safe?
    choose_rhythm(month, ALEX, "22:00–08:00")
    choose_rhythm(month, SAM, "23:00–07:00")
    month.tap("Alex", next(b for b in month.buttons("Alex") if "weekly picture" in b))
    # Day 1 evening in Istanbul: Alex's first conversation, from the top suggestion.
    live_until(month, month.day(1, ALEX, 21, 10), habits)
    talk(month, "Alex", "Closeness at full speed", ["A walk after dinner.", "A text at lunch."])
    # Day 2: Sam takes the check after all, then the same conversation (the couple question).
    live_until(month, month.day(2, SAM, 12, 30), habits)
    month.command("Sam", "/check")
    answer_check(month, "Sam", {5: "Rarely", 9: "Sometimes"}, "Almost always")
    talk(month, "Sam", "Closeness at full speed", ["Cooking on Sundays.", "A hand on my shoulder."])
    live_until(month, month.day(3, ALEX, 19, 0), habits)
    # Day 3: love maps, light; Alex starts, Sam plays when told.
    live_until(month, month.day(3, ALEX, 19, 0), habits)
    play_love_maps(month, "Alex", "the sea", start="🌱 Light")
    live_until(month, month.day(3, SAM, 12, 15), habits)
    month.tap("Sam", "▶️ Play")
    play_love_maps(month, "Sam", "the mountains")
    # Day 4: Sam asks for an idea and plans it with Alex.
    live_until(month, month.day(4, SAM, 10, 0), habits)
    month.command("Sam", "/idea")
    month.tap("Sam", "💡 We'll try it")
    live_until(month, month.day(10, ALEX, 18, 0), habits)
    # Day 10: a deeper love-maps round, Sam starts this time.
    live_until(month, month.day(10, SAM, 11, 0), habits)
    play_love_maps(month, "Sam", "my grandmother", start="🌿 Closer")
    live_until(month, month.day(10, ALEX, 20, 45), habits)
    month.tap("Alex", "▶️ Play")
    play_love_maps(month, "Alex", "my first bike")
    live_until(month, month.day(11, SAM, 9, 0), habits)
    month.command("Sam", "/progress")
    # Days 12-25: Sam is away. Alex carries on, asks for another idea on day 15.
    live_until(month, month.day(15, ALEX, 12, 0), habits)
    month.command("Alex", "/idea")
    month.tap("Alex", "💡 We'll try it")
    live_until(month, month.day(20, ALEX, 13, 0), habits)
    month.command("Alex", "/topics")
    live_until(month, month.day(26, SAM, 18, 0), habits)
    # Day 26: Sam is back and is welcomed without blame.
    since = month.server.core.mark()
    story.returned_at = since
    month.command("Sam", "/topics")
    story.welcome_back = month.received("Sam", since)
    live_until(month, month.day(30, ALEX, 10, 0), habits)
    # Day 30: four weeks on, both take the check again, see the change and compare.
    month.command("Alex", "/check")
    answer_check(month, "Alex", {2: "Sometimes"}, "Often")
    live_until(month, month.day(30, SAM, 13, 0), habits)
    month.command("Sam", "/check")
    answer_check(month, "Sam", {5: "Sometimes"}, "Almost always")
    month.tap("Sam", "🤝 Compare with Alex")
    live_until(month, month.day(30, ALEX, 21, 30), habits)
    month.tap("Alex", "🤝 Compare with Sam")
    return story


INVITE = re.compile(r"(start=|/start )[A-Za-z0-9_-]{16,}")
TRANSCRIPT = PROJECT_ROOT / "docs" / "first-week-transcript.md"
STAMP = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d\b")


def what_was_said(text: str) -> set[str]:
    """A transcript's lines without their clock times (a run takes real seconds, so minutes
    can differ between runs; what was said, and to whom, cannot)."""
    return {STAMP.sub("·", line) for line in text.splitlines() if line.startswith("- ")}


def main() -> None:
    """Live the month once more and rewrite docs/first-week-transcript.md; print the figures."""
    with FakeBotApiServer() as server, tempfile.TemporaryDirectory() as tmp:
        month = Month(server, Path(tmp))
        began = time.monotonic()
        with month.running():
            first_month(month)
        TRANSCRIPT.write_text(transcript(month), encoding="utf-8")
        print(f"wrote {TRANSCRIPT} ({time.monotonic() - began:.0f} s)")
        print("\n".join(month.figures().lines()))
        late = partner_news_in_quiet_hours(month)
        print(f"partner news inside the reader's quiet hours: {len(late)}")


if __name__ == "__main__":
    main()
