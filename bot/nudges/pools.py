"""Check-in prompt pools (data/nudges/<kind>.yaml) and each person's rotation through them.

A pool is a list of prompts, each with an id, a text per language and (except
"continue") the article section and depth it draws on; `bot.library.entries`
reads and checks them. Every person walks their own shuffled order of a pool
(`bot.library.rotation`), so nobody sees a prompt twice until they have seen
them all, and two partners do not get the same sequence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.library import rotation
from bot.library.entries import Entry, LibraryError, Shape, read_pool
from bot.plugins import DataFile

CHECKIN = "checkin"
APPRECIATION = "appreciation"
CURIOSITY = "curiosity"
PLAY = "play"
CONTINUE = "continue"
COUPLE = "couple"
KINDS = (CHECKIN, APPRECIATION, CONTINUE, COUPLE, CURIOSITY, PLAY)
WRITTEN = (APPRECIATION, CURIOSITY, PLAY)
"""Kinds answered in the person's own words, kept private unless they share them."""
SHAPES = {
    CHECKIN: Shape(frozenset({"partner"})),
    APPRECIATION: Shape(frozenset({"partner"})),
    CURIOSITY: Shape(frozenset({"partner"})),
    PLAY: Shape(frozenset({"partner"})),
    CONTINUE: Shape(frozenset({"title"}), tagged=False),
    COUPLE: Shape(),
}

Prompt = Entry
PoolError = LibraryError


@dataclass(frozen=True)
class Pools:
    pools: Mapping[str, tuple[Prompt, ...]]

    def get(self, kind: str, prompt_id: str | None) -> Prompt | None:
        return next((p for p in self.pools.get(kind, ()) if p.id == prompt_id), None)

    def pick(self, kind: str, user_id: int, served: int) -> Prompt:
        """The `served`-th prompt of this person's rotation through `kind`."""
        return rotation.pick(self.pools[kind], user_id, kind, served)


def load_pools(folder: Path, languages: Sequence[str]) -> Pools:
    """Every pool under `folder` (data/nudges), each file checked; all problems at once."""
    problems: list[str] = []
    pools = {
        kind: read_pool(folder / f"{kind}.yaml", languages, SHAPES[kind], problems)
        for kind in KINDS
    }
    if problems:
        raise PoolError("\n".join(problems))
    return Pools(pools)


POOLS: DataFile[Pools] = DataFile("nudges", lambda data, langs: load_pools(data / "nudges", langs))
"""The check-in pools (data/nudges/*.yaml)."""
