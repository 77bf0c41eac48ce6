"""The load scenarios of issue 14: steady, wave, overload, and steady on PostgreSQL.

Each scenario starts its bots (Attune, the bare PTB anchor, and with
`BENCH_PATHS=1` Attune without its SQLite fast path), lets the same crowd
(same seed, same think times) talk to every bot at the same time, and
prints one table, so every ratio is measured side by side in one run.

Environment: `BENCH_QUICK=1` for a shorter run (fewer steps, a smaller wave,
a shorter overload); `BENCH_RTT_MS` (default 50); `BENCH_SCENARIOS` (comma-separated
names, default all); `BENCH_PATHS=1` to add the fast-path comparison (2: also
the ORM with SQLite still inline on the loop).
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bot.config import PROJECT_ROOT, Settings
from bot.nudges.models import NudgeSchedule
from bot.storage.db import create_engine
from bot.storage.migrate import migrate
from tests.bench.load.bots import Bot, start_anchor, start_attune
from tests.bench.load.orm_only import has_fast_path
from tests.bench.load.people import Crowd, Pace, Step
from tests.bench.load.report import Figures, percentile, ratio, table, verdict
from tests.bench.load.telegram import FarTelegram
from tests.support.postgres import postgres_server


@dataclass(frozen=True)
class Variant:
    """One Attune to run: its name in the tables, the module to run, the checkout to run it from."""

    name: str
    module: str = "bot"
    root: Path = PROJECT_ROOT
    env: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Config:
    quick: bool = False
    rtt: float = 0.05
    limit: int = 30
    people: int = 60
    think: tuple[float, float] = (4.0, 12.0)
    steps: int = 5
    wave: int = 2000
    wave_lead: float = 8.0
    """Seconds into the conversations when the check-ins fall due."""
    overload_people: int = 300
    overload_seconds: float = 60.0
    compare_paths: int = 0
    """1: add Attune without its SQLite fast path; 2: also without only its direct turns."""
    before: Path | None = None
    """Another checkout whose Attune runs beside this one (`BENCH_BEFORE`)."""
    scenarios: tuple[str, ...] = ("steady", "wave", "overload", "postgres")

    @classmethod
    def from_env(cls) -> Config:
        quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
        chosen = os.environ.get("BENCH_SCENARIOS", "")
        before = os.environ.get("BENCH_BEFORE", "")
        config = cls(
            quick=quick,
            rtt=float(os.environ.get("BENCH_RTT_MS", "50")) / 1000,
            steps=3 if quick else 5,
            wave=600 if quick else 2000,
            overload_seconds=30.0 if quick else 60.0,
            compare_paths=int(os.environ.get("BENCH_PATHS", "") or 0),
            before=Path(before).resolve() if before else None,
        )
        if chosen:
            names = tuple(n.strip() for n in chosen.split(",") if n.strip())
            config = replace(config, scenarios=names)
        return config

    @property
    def steady_pace(self) -> Pace:
        return Pace(think=self.think, steps=self.steps)

    def variants(self, *, sqlite: bool = True) -> list[Variant]:
        """Attune as checked out here, the `before` checkout's, and (SQLite, asked for,
        still there) this one with its SQLite fast path switched off."""
        found = [Variant("attune")]
        if self.before is not None:
            found.append(Variant("attune-before", root=self.before))
        if sqlite and self.compare_paths and has_fast_path():
            found.append(Variant("attune-orm-only", "tests.bench.load.orm_only"))
            if self.compare_paths > 1:
                inline = (("ORM_ONLY_KEEP_INLINE", "1"),)
                found.append(Variant("attune-orm-inline", "tests.bench.load.orm_only", env=inline))
        return found

    def fake(self) -> FarTelegram:
        return FarTelegram(rtt=self.rtt, limit=self.limit)

    def describe(self) -> str:
        return (
            f"round trip {self.rtt * 1000:.0f} ms, 429 above {self.limit} messages in any second"
            f"{', QUICK mode' if self.quick else ''}"
        )


@dataclass
class Lineup:
    """The bots of one scenario, each with the same crowd."""

    bots: list[Bot]
    crowds: list[Crowd]
    marks: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    async def talk(self) -> None:
        self.marks = [bot.fake.mark() for bot in self.bots]
        before = [bot.memory.cpu_seconds() for bot in self.bots]
        await asyncio.gather(*(crowd.run() for crowd in self.crowds))
        self.cpu = [bot.memory.cpu_seconds() - b for bot, b in zip(self.bots, before, strict=True)]
        if any(s.answered is None for crowd in self.crowds for s in crowd.steps):
            await self.quiet()
            for crowd in self.crowds:
                crowd.reconcile()

    async def quiet(self, still: float = 5.0, limit: float = 120.0) -> None:
        """Wait until no bot has sent anything for `still` seconds (at most `limit`)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            counts = [bot.fake.output_total() for bot in self.bots]
            await asyncio.sleep(still)
            if counts == [bot.fake.output_total() for bot in self.bots]:
                return

    def figures(self) -> list[Figures]:
        return [
            Figures.of(bot.name, crowd.steps, bot.fake, crowd.ids, mark, bot.memory.peak, cpu)
            for bot, crowd, mark, cpu in zip(
                self.bots, self.crowds, self.marks, self.cpu, strict=True
            )
        ]


def lineup(bots: list[Bot], size: int, pace: Pace, stop: asyncio.Event | None = None) -> Lineup:
    crowds = [Crowd(bot.fake, size, pace, stop=stop) for bot in bots]
    return Lineup(bots, crowds)


def start_variant(
    stack: ExitStack,
    config: Config,
    variant: Variant,
    workdir: Path,
    database_url: str,
    env: dict[str, str] | None = None,
    fake: FarTelegram | None = None,
) -> Bot:
    fake = fake if fake is not None else config.fake()
    return start_attune(
        stack,
        variant.name,
        fake,
        database_url,
        workdir,
        {**dict(variant.env), **(env or {})},
        module=variant.module,
        root=variant.root,
    )


def start_bots(
    stack: ExitStack, config: Config, workdir: Path, database_urls: Sequence[str]
) -> list[Bot]:
    """Every Attune variant (one database each) and, last, the anchor."""
    variants = config.variants(sqlite=database_urls[0].startswith("sqlite"))
    bots = [
        start_variant(stack, config, variant, workdir, url)
        for variant, url in zip(variants, database_urls, strict=False)
    ]
    bots.append(start_anchor(stack, config.fake(), workdir))
    return bots


def sqlite_urls(workdir: Path, count: int = 4) -> list[str]:
    return [f"sqlite+aiosqlite:///{workdir / f'attune{i}.db'}" for i in range(count)]


def print_ratios(figures: Sequence[Figures]) -> None:
    attune, anchor = figures[0], figures[-1]
    for other in figures[1:-1]:
        print(
            f"  {other.bot} / attune: p50 {ratio(other.p(50), attune.p(50))}, "
            f"p99 {ratio(other.p(99), attune.p(99))}"
        )
    for mine in figures[:-1]:
        print(
            f"  {mine.bot} / anchor (side by side): p50 {ratio(mine.p(50), anchor.p(50))}, "
            f"p99 {ratio(mine.p(99), anchor.p(99))}"
        )


# -- steady -------------------------------------------------------------------------------


async def steady(config: Config, *, postgres: bool = False) -> list[Figures]:
    label = "PostgreSQL steady" if postgres else "steady"
    title = (
        f"\n{label}: {config.people} people, think {config.think[0]:.0f}-{config.think[1]:.0f} s, "
        f"{config.steps} steps each ({config.describe()})"
    )
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        if postgres:
            server = stack.enter_context(postgres_server())
            urls = [server.url(server.create_database()) for _ in config.variants(sqlite=False)]
        else:
            urls = sqlite_urls(workdir)
        bots = start_bots(stack, config, workdir, urls)
        run = lineup(bots, config.people, config.steady_pace)
        await run.talk()
        figures = run.figures()
    print(table(title, figures))
    print_ratios(figures)
    attune, anchor = figures[0], figures[-1]
    unanswered = attune.lost + attune.late
    print(
        f"  targets: attune p50 <= 2x anchor p50 "
        f"{verdict(attune.p(50) <= 2 * anchor.p(50))}; p99 <= 500 ms "
        f"{verdict(attune.p(99) <= 0.5)}; 0 lost or late {verdict(unanswered == 0)}; "
        f"0 answered 429 {verdict(attune.too_many == 0)}"
    )
    return figures


# -- wave ---------------------------------------------------------------------------------


async def in_checkout(root: Path, name: str, url: str, count: int) -> None:
    """Run `name(url, count)` of this module with the code of the checkout at `root`,
    so each variant's database gets that variant's own schema."""
    if root == PROJECT_ROOT:
        await globals()[name](url, count)
        return
    code = f"import asyncio, {__name__} as m; asyncio.run(m.{name}({url!r}, {count}))"
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, cwd=root)
    if await process.wait() != 0:
        raise RuntimeError(f"{name} failed in {root}")


async def seed_wave(url: str, count: int) -> None:
    """`count` people (ids 1..count) with a check-in schedule, none due yet."""
    from tests.bench.bench_nudges import add_people, schedule_everyone

    engine = create_engine(url)
    await migrate(engine)
    await add_people(engine, count)
    await schedule_everyone(engine)
    await engine.dispose()


async def make_due(url: str, count: int) -> None:
    """Everyone of the wave is due now (outside quiet hours, never nudged)."""
    due = datetime.now(UTC) - timedelta(minutes=1)
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            update(NudgeSchedule.__table__)  # type: ignore[attr-defined]
            .where(NudgeSchedule.user_id <= count)  # type: ignore[operator]
            .values(regular_due_at=due, next_due_at=due, last_nudged_at=None, quiet_start=None)
        )
    await engine.dispose()


def wave_sends(fake: FarTelegram, count: int) -> tuple[list[float], Counter[int]]:
    """Times of the check-ins that got through, and how many each wave person received."""
    per_chat: Counter[int] = Counter()
    times = []
    for call in fake.calls_to("sendMessage"):
        if call.ok and isinstance(call.chat_id, int) and 1 <= call.chat_id <= count:
            per_chat[call.chat_id] += 1
            times.append(call.at)
    return sorted(times), per_chat


async def wave(config: Config) -> list[Figures]:
    count, pace = config.wave, Settings().telegram_messages_per_second
    title = (
        f"\nwave: {config.people} people talking (think {config.think[0]:.0f}-"
        f"{config.think[1]:.0f} s) while {count:,} check-ins fall due at once "
        f"({config.describe()}; Attune paces at {pace:g}/s; the anchor has no wave)"
    )
    stop = asyncio.Event()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        variants = config.variants()
        urls = sqlite_urls(workdir, len(variants))
        attunes = []
        for variant, url in zip(variants, urls, strict=True):
            await in_checkout(variant.root, "seed_wave", url, count)
            fake = config.fake()
            for i in range(1, count + 1):  # they all said /start long ago
                fake.consume_update(fake.user(i, f"W{i}").send_command("/start")["update_id"])
            env = {"NUDGE_SWEEP_SECONDS": "1"}
            attunes.append(start_variant(stack, config, variant, workdir, url, env, fake))
        anchor = start_anchor(stack, config.fake(), workdir)
        run = lineup([*attunes, anchor], config.people, Pace(config.think), stop)

        async def the_wave() -> None:
            await asyncio.sleep(config.wave_lead)
            await asyncio.gather(
                *(
                    in_checkout(variant.root, "make_due", url, count)
                    for variant, url in zip(variants, urls, strict=True)
                )
            )
            deadline = time.monotonic() + max(90.0, 8 * count / pace)
            while time.monotonic() < deadline:
                sent = [sum(wave_sends(bot.fake, count)[1].values()) for bot in attunes]
                if min(sent) >= count:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(2)  # a duplicate would show up now
            stop.set()

        await asyncio.gather(run.talk(), the_wave())
        figures = run.figures()
    print(table(title, figures))
    print_ratios(figures)
    for bot, crowd, result in zip(attunes, run.crowds, figures, strict=False):
        report_wave(config, result, crowd, bot.fake, pace)
    return figures


def report_wave(
    config: Config, attune: Figures, crowd: Crowd, fake: FarTelegram, pace: float
) -> None:
    count = config.wave
    times, per_chat = wave_sends(fake, count)
    twice = sum(1 for n in per_chat.values() if n > 1)
    missing = count - len(per_chat)
    if len(times) < 2:
        print(f"  {attune.bot}: the wave did not go out: {len(times)} check-ins sent")
        return
    first, last = times[0], times[-1]
    span = last - first
    interactive = sum(
        1 for person in crowd.ids for at in fake.outputs(person) if first <= at <= last
    )
    leftover = pace - interactive / span
    rate = (len(times) - 1) / span
    during = [s.latency for s in crowd.steps if first <= s.sent <= last and s.latency is not None]
    p99 = percentile(during, 99)
    print(
        f"  {attune.bot} wave: {len(times):,} check-ins in {span:.1f} s = {rate:.1f}/s; "
        f"interactive used {interactive / span:.1f}/s, leaving {leftover:.1f}/s of {pace:g}/s: "
        f"the wave ran at {rate / leftover:.1%} of it "
        f"(target >= 80% {verdict(rate >= 0.8 * leftover)})"
    )
    print(
        f"  {attune.bot} interactive during the wave: {len(during)} steps, p50 "
        f"{percentile(during, 50) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms "
        f"(target <= 2 s {verdict(p99 <= 2.0 if during else False)})"
    )
    print(
        f"  {attune.bot} exactly once: {count - missing - twice:,} of {count:,} once, "
        f"{twice} twice, {missing} not sent when the run ended "
        f"({verdict(twice == 0 and missing == 0)}); "
        f"answered 429: {attune.too_many} ({verdict(attune.too_many == 0)})"
        + (f" by limit: {dict(fake.flood.refused_by)}" if attune.too_many else "")
    )


# -- overload -----------------------------------------------------------------------------


async def overload(config: Config) -> list[Figures]:
    size, seconds = config.overload_people, config.overload_seconds
    ramp = seconds / 2
    title = (
        f"\noverload: {size} people joining over {ramp:.0f} s, each stepping 1 s after being "
        f"answered, for {seconds:.0f} s ({config.describe()})"
    )
    pace = Pace(think=(1.0, 1.0), duration=seconds, patience=60.0, ramp=ramp)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        bots = start_bots(stack, config, workdir, sqlite_urls(workdir))
        run = lineup(bots, size, pace)
        await run.talk()
        figures = run.figures()
    print(table(title, figures))
    print_ratios(figures)
    for bot, crowd in zip(run.bots, run.crowds, strict=True):
        print(curve(bot, crowd, size, ramp, bucket=5.0 if config.quick else 10.0))
    return figures


def curve(bot: Bot, crowd: Crowd, size: int, ramp: float, bucket: float) -> str:
    """Latency by when the step was taken, with the load at that time and the bot's memory."""
    lines = [
        f"  {bot.name}: {'from':>5} {'people':>7} {'steps':>6} {'answered':>9} "
        f"{'p50':>8} {'p99':>8} {'RSS MiB':>8}"
    ]
    by_bucket: dict[int, list[Step]] = {}
    for step in crowd.steps:
        by_bucket.setdefault(int((step.sent - crowd.began) // bucket), []).append(step)
    for index in sorted(by_bucket):
        steps = by_bucket[index]
        start = index * bucket
        people = min(size, math.ceil(size * (start + bucket) / ramp)) if ramp else size
        answered = [s.latency for s in steps if s.latency is not None]
        end = crowd.began + start + bucket
        rss = [r for t, r in bot.memory.samples if t <= end]
        lines.append(
            f"  {'':<{len(bot.name)}}  {start:>4.0f}s {people:>7} {len(steps):>6} "
            f"{len(answered):>9} {percentile(answered, 50):>7.2f}s "
            f"{percentile(answered, 99):>7.2f}s {(rss[-1] if rss else 0) / 2**20:>8.0f}"
        )
    return "\n".join(lines)


SCENARIOS = {
    "steady": steady,
    "wave": wave,
    "overload": overload,
    "postgres": lambda config: steady(config, postgres=True),
}


async def main() -> None:
    config = Config.from_env()
    results = {name: await SCENARIOS[name](config) for name in config.scenarios}
    print(f"\nsummary ({config.describe()})")
    print(f"{'scenario':<10}{'bot':<16}{'p50':>9}{'p99':>9}{'lost':>6}{'late':>6}{'429':>6}")
    for name, figures in results.items():
        for f in figures:
            print(
                f"{name:<10}{f.bot:<16}{f.p(50) * 1000:>6.0f} ms{f.p(99) * 1000:>6.0f} ms"
                f"{f.lost:>6}{f.late:>6}{f.too_many:>6}"
            )
