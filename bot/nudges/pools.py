"""Prompt pools (data/nudges/<kind>.yaml) and each person's rotation through them.

A pool is a list of prompts, each with an id and a text per language. Every
person walks their own shuffled order of a pool, so nobody sees a prompt twice
until they have seen them all, and two partners do not get the same sequence.
The order is derived from (person, kind, round), so only a counter is stored.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when available (several times faster than the pure-Python one)."""

CHECKIN = "checkin"
APPRECIATION = "appreciation"
CONTINUE = "continue"
COUPLE = "couple"
KINDS = (CHECKIN, APPRECIATION, CONTINUE, COUPLE)
PLACEHOLDERS = {
    CHECKIN: {"partner"},
    APPRECIATION: {"partner"},
    CONTINUE: {"title"},
    COUPLE: set(),
}


@dataclass(frozen=True)
class Prompt:
    id: str
    text: Mapping[str, str]


class PoolError(Exception):
    """The pool files are invalid; the message lists every problem as `file: id: reason`."""


@dataclass(frozen=True)
class Pools:
    pools: Mapping[str, tuple[Prompt, ...]]

    def get(self, kind: str, prompt_id: str | None) -> Prompt | None:
        return next((p for p in self.pools.get(kind, ()) if p.id == prompt_id), None)

    def pick(self, kind: str, user_id: int, served: int) -> Prompt:
        """The `served`-th prompt of this person's rotation through `kind`."""
        pool = self.pools[kind]
        size = len(pool)
        round_, index = divmod(served, size)
        order = rotation(size, user_id, kind, round_)
        if index == 0 and round_ > 0 and size > 1:
            previous = rotation(size, user_id, kind, round_ - 1)[-1]
            if order[0] == previous:  # never the same prompt twice in a row across rounds
                order[0], order[1] = order[1], order[0]
        return pool[order[index]]


def rotation(size: int, user_id: int, kind: str, round_: int) -> list[int]:
    order = list(range(size))
    random.Random(f"{user_id}:{kind}:{round_}").shuffle(order)
    return order


def load_pools(folder: Path, languages: Sequence[str]) -> Pools:
    problems: list[str] = []
    pools: dict[str, tuple[Prompt, ...]] = {}
    for kind in KINDS:
        path = folder / f"{kind}.yaml"
        pools[kind] = _load(path, kind, languages, problems)
    if problems:
        raise PoolError("\n".join(problems))
    return Pools(pools)


def _load(
    path: Path, kind: str, languages: Sequence[str], problems: list[str]
) -> tuple[Prompt, ...]:
    name = f"{path.parent.name}/{path.name}"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{name}: -: cannot read: {exc}".replace("\n", " "))
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(f"{name}: -: must be a non-empty list of prompts")
        return ()
    prompts: list[Prompt] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"{name}: {item.get('id', f'#{i + 1}') if isinstance(item, dict) else f'#{i + 1}'}"
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(f"{where}: needs an id and one text per language")
            continue
        if item["id"] in seen:
            problems.append(f"{where}: duplicate id")
            continue
        seen.add(item["id"])
        text = {lang: item.get(lang) for lang in languages}
        missing = [lang for lang, value in text.items() if not isinstance(value, str) or not value]
        if missing:
            problems.append(f"{where}: missing text in {', '.join(missing)}")
            continue
        unknown = {f for value in text.values() for f in _fields(value)} - PLACEHOLDERS[kind]
        if unknown:
            problems.append(f"{where}: unknown placeholder(s) {', '.join(sorted(unknown))}")
            continue
        prompts.append(Prompt(item["id"], {k: str(v) for k, v in text.items()}))
    return tuple(prompts)


def _fields(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return {"<unbalanced braces>"}
