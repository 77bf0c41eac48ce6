"""A couple, a small love-maps library whose questions we know, and ways to play."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.coach import Coach
from bot.config import PROJECT_ROOT, Settings
from bot.engine.content import Content
from bot.features import FEATURES
from bot.storage.db import create_engine, session_factory
from bot.storage.migrate import migrate
from bot.turn import Outbound, Person
from tests.support.clock import Clock

# Depth 1: two one-tap questions; depth 2: two questions in words; depth 3: one of each.
LOVEMAPS = """
- {id: tea, section: stability, depth: 1, en: "Tea or coffee?", tr: "Çay mı kahve mi?",
   choices: {en: [Tea, Coffee], tr: [Çay, Kahve]}}
- {id: season, section: stability, depth: 1, en: "Best season?", tr: "En iyi mevsim?",
   choices: {en: [Spring, Summer, Autumn, Winter], tr: [İlkbahar, Yaz, Sonbahar, Kış]}}
- {id: song, section: chemistry, depth: 2, en: "Your shower song?", tr: "Duş şarkın?"}
- {id: place, section: autonomy, depth: 2, en: "Your favourite place?", tr: "En sevdiğin yer?"}
- {id: value, section: relearning, depth: 3, en: "Which value matters most?",
   tr: "En önemli değer?", choices: {en: [Honesty, Kindness], tr: [Dürüstlük, İyilik]}}
- {id: hope, section: closing, depth: 3, en: "Your biggest hope?", tr: "En büyük umudun?"}
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    # every data file a feature reads (safety, cooldown, ...), with our own love-maps questions
    shutil.copytree(PROJECT_ROOT / "data", data, ignore=shutil.ignore_patterns("*.db*"))
    (data / "library" / "lovemaps.yaml").write_text(LOVEMAPS, encoding="utf-8")
    return data


async def wired(url: str, content: Content, clock: Clock, data_dir: Path) -> Coach:
    engine = create_engine(url)
    await migrate(engine)
    return Coach(
        content, session_factory(engine), clock, Settings(data_dir=data_dir), features=FEATURES
    )


@pytest.fixture
async def coach(sqlite_url: str, content: Content, clock: Clock, data_dir: Path) -> Coach:
    return await wired(sqlite_url, content, clock, data_dir)


@pytest.fixture
async def pg_coach(
    postgres_url: str, content: Content, clock: Clock, data_dir: Path
) -> AsyncIterator[Coach]:
    coach = await wired(postgres_url, content, clock, data_dir)
    yield coach
    bind = coach.sessions.kw["bind"]
    await bind.dispose()


def last_to(outs: list[Outbound], person: Person) -> Outbound:
    return [o for o in outs if o.chat_id == person.chat_id][-1]


def choices(out: Outbound) -> list[str]:
    return [b.data for row in out.keyboard for b in row if b.data.startswith(("lm|o|", "lm|g|"))]


async def reply(coach: Coach, person: Person, outs: list[Outbound], pick: int, words: str):
    """Answer what the last message to `person` asked: tap choice `pick`, or type `words`."""
    options = choices(last_to(outs, person))
    if options:
        return await coach.press(person, options[pick])
    return await coach.text(person, words)


async def play(
    coach: Coach, person: Person, depth: int = 1, own: int = 0, guess: int = 0, words=("a", "b")
) -> list[Outbound]:
    """Open (or join) the couple's round and answer both parts; returns the last replies."""
    outs = await coach.press(person, f"lm|d|{depth}")
    outs = await reply(coach, person, outs, own, words[0])
    return await reply(coach, person, outs, guess, words[1])
