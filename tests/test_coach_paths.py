"""Differential test: the fast path and the ORM path are the same product.

Two partners do random things — commands, any button they were shown, answers,
names, times, worrying words, joining by invite — once on a coach with the
embedded database's fast path and once on a coach that always takes the ORM
path. Every reply must be the same, and so must every table afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import random
from collections.abc import Iterator
from typing import Any

import pytest

from bot.coach import Coach
from bot.couples import invites
from bot.features import FEATURES
from bot.storage.db import session_factory
from bot.turn import Document, Outbound, Person
from tests.conftest import migrated
from tests.support.clock import Clock
from tests.support.people import ALEX, SAM
from tests.support.tables import table_rows

COMMANDS = [
    "start",
    "topics",
    "help",
    "invite",
    "unlink",
    "language",
    "settings",
    "cooldown",
    "pause",
    "resume",
    "mydata",
    "forget",
    "about",
    "dance",
]
TEXTS = [
    "We talk less than we used to, and I miss it",
    "Alexandra",
    "21:30",
    "Europe/Istanbul",
    "3",
    "I never thought I would say this, but I want to die",
    "x" * 5000,
]
STEPS = 100


def deterministic_codes() -> Iterator[str]:
    """Invite codes of the real shape, the same sequence in both runs."""
    for n in itertools.count():
        yield base64.urlsafe_b64encode(hashlib.sha256(str(n).encode()).digest()[:24]).decode()


@pytest.mark.parametrize("seed", range(12))
async def test_fast_and_orm_paths_answer_and_store_alike(content, tmp_path, monkeypatch, seed):
    transcripts, dumps = [], []
    for fast in (True, False):
        codes = deterministic_codes()
        monkeypatch.setattr(invites, "new_code", lambda codes=codes: next(codes))
        async for engine in migrated(f"sqlite+aiosqlite:///{tmp_path / str(fast)}.db"):
            coach = Coach(content, session_factory(engine), Clock(), features=FEATURES)
            if not fast:
                coach.direct = None
            transcripts.append(await play(coach, random.Random(seed)))
            dumps.append(await table_rows(engine, without=REAL_CLOCK_COLUMNS))
    assert transcripts[0] == transcripts[1]
    assert dumps[0] == dumps[1]


async def play(coach: Coach, rng: random.Random) -> list[Any]:
    people = (ALEX, SAM)
    shown: dict[int, list[str]] = {p.user_id: [] for p in people}
    codes: dict[int, str] = {}
    transcript: list[Any] = []
    for _ in range(STEPS):
        person = rng.choice(people)
        partners_code = codes.get(SAM.user_id if person is ALEX else ALEX.user_id)
        outs = await act(coach, rng, person, shown[person.user_id], partners_code)
        transcript.append(normalised(outs))
        for out in outs:
            buttons = [b.data for row in out.keyboard for b in row]
            if buttons and out.chat_id in shown:
                shown[out.chat_id] = buttons
            for word in out.text.split():
                if invites.well_formed(word):
                    codes[out.chat_id] = word
        coach.clock.advance(minutes=rng.choice([1, 7, 45, 600]))  # type: ignore[attr-defined]
    return transcript


async def act(
    coach: Coach, rng: random.Random, person: Person, buttons: list[str], code: str | None
) -> list[Outbound]:
    roll = rng.random()
    if roll < 0.45 and buttons:
        return await coach.press(person, rng.choice(buttons))
    if roll < 0.65:
        return await coach.text(person, rng.choice(TEXTS))
    if roll < 0.8 and code is not None:
        return await coach.run_command(person, "start", (code,))
    return await coach.run_command(person, rng.choice(COMMANDS))


def normalised(outs: list[Outbound]) -> list[tuple[Any, ...]]:
    """What the person sees; an export's bytes hold real creation times, so its name stands in."""
    return [
        (
            out.chat_id,
            out.text,
            out.keyboard,
            out.replace,
            out.notice,
            out.attachment.filename if isinstance(out.attachment, Document) else None,
        )
        for out in outs
    ]


REAL_CLOCK_COLUMNS = {"created_at"}
"""Filled by model defaults (utcnow) rather than by the coach's clock."""
