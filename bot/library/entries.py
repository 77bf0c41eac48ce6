"""Library entries: prompts, questions and ideas written as data, one YAML list per pool.

Every entry has an id and a text per language; library pools also carry tags
(the article section it draws on, a depth from 1 = light to 3 = deep, the
settings an idea suits) and, for questions answered with a tap, the choices
in every language. Loading checks all of it and reports every problem as
`file: id: reason`, the same shape as the dialog checker's.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.plugins import DataError

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when available (several times faster than the pure-Python one)."""

SECTIONS = (
    "redefining",
    "pressure",
    "chemistry",
    "safety",
    "calming",
    "physical",
    "fragile",
    "stability",
    "communication",
    "autonomy",
    "transitions",
    "relearning",
    "closing",
)
"""The article's sections and opening ideas; each is also the id of its conversation."""
DEPTHS = (1, 2, 3)
SETTINGS = ("home", "outside", "low_budget", "long_distance")
"""Where a date or ritual idea fits."""
MAX_CHOICES = 4
MAX_CHOICE_CHARS = 32
"""A choice is a button label: short enough for a phone, two to a row."""
MAX_TEXT_CHARS = 140
"""An entry is read at a glance on a phone: about two lines, before its names are filled in."""


@dataclass(frozen=True)
class Entry:
    id: str
    text: Mapping[str, str]
    section: str | None = None
    depth: int | None = None
    settings: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For a question answered with a tap: the options, in the same order in every language."""


@dataclass(frozen=True)
class Shape:
    """What a pool's entries must look like."""

    placeholders: frozenset[str] = frozenset()
    tagged: bool = True
    """Every entry names its article section and depth."""
    settings: bool = False
    """Every entry names the settings it suits (date and ritual ideas)."""
    choices: bool = False
    """Entries may offer choices to tap instead of typing."""


class LibraryError(DataError):
    """Invalid library files; the message lists every problem, one `file: id: reason` a line."""


def read_pool(
    path: Path, languages: Sequence[str], shape: Shape, problems: list[str]
) -> tuple[Entry, ...]:
    """Every valid entry of one pool file; each problem found is appended to `problems`."""
    name = f"{path.parent.name}/{path.name}"
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{name}: -: cannot read: {exc}".replace("\n", " "))
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(f"{name}: -: must be a non-empty list of prompts")
        return ()
    entries: list[Entry] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        has_id = isinstance(item, dict) and isinstance(item.get("id"), str)
        where = f"{name}: {item['id'] if has_id else f'#{i + 1}'}"
        if not has_id:
            problems.append(f"{where}: needs an id and one text per language")
            continue
        if item["id"] in seen:
            problems.append(f"{where}: duplicate id")
            continue
        seen.add(item["id"])
        found = _problems(item, languages, shape)
        if found:
            problems += [f"{where}: {reason}" for reason in found]
            continue
        entries.append(_entry(item, languages))
    return tuple(entries)


def _problems(item: dict[str, Any], languages: Sequence[str], shape: Shape) -> list[str]:
    found: list[str] = []
    text = {lang: item.get(lang) for lang in languages}
    missing = [lang for lang, value in text.items() if not isinstance(value, str) or not value]
    if missing:
        return [f"missing text in {', '.join(missing)}"]
    found += [
        f"{lang} text is {len(value)} characters; keep it to {MAX_TEXT_CHARS} for a phone"
        for lang, value in text.items()
        if len(str(value)) > MAX_TEXT_CHARS
    ]
    unknown = {f for value in text.values() for f in _fields(str(value))} - shape.placeholders
    if unknown:
        found.append(f"unknown placeholder(s) {', '.join(sorted(unknown))}")
    if shape.tagged:
        if item.get("section") not in SECTIONS:
            found.append(f"section must be one of {', '.join(SECTIONS)}")
        if item.get("depth") not in DEPTHS:
            found.append("depth must be 1, 2 or 3")
    if shape.settings:
        settings = item.get("settings")
        if not isinstance(settings, list) or not settings or set(settings) - set(SETTINGS):
            found.append(f"settings must list some of {', '.join(SETTINGS)}")
    if "choices" in item:
        found += _choice_problems(item["choices"], languages, shape)
    return found


def _choice_problems(choices: Any, languages: Sequence[str], shape: Shape) -> list[str]:
    if not shape.choices:
        return ["choices are not used in this pool"]
    if not isinstance(choices, dict) or not all(
        isinstance(choices.get(lang), list) for lang in languages
    ):
        return [f"choices need a list in each of {', '.join(languages)}"]
    counts = {len(choices[lang]) for lang in languages}
    if len(counts) != 1:
        return ["choices differ in number between languages"]
    count = counts.pop()
    if not 2 <= count <= MAX_CHOICES:
        return [f"offer 2 to {MAX_CHOICES} choices"]
    labels = [c for lang in languages for c in choices[lang]]
    if not all(isinstance(c, str) and 0 < len(c) <= MAX_CHOICE_CHARS for c in labels):
        return [f"each choice is a label of 1 to {MAX_CHOICE_CHARS} characters"]
    return []


def _entry(item: dict[str, Any], languages: Sequence[str]) -> Entry:
    choices = item.get("choices") or {}
    return Entry(
        id=item["id"],
        text={lang: str(item[lang]) for lang in languages},
        section=item.get("section"),
        depth=item.get("depth"),
        settings=tuple(item.get("settings") or ()),
        choices={lang: tuple(choices[lang]) for lang in languages} if choices else {},
    )


def _fields(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return {"<unbalanced braces>"}
