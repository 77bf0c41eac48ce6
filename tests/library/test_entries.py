"""Reading a pool file: every problem is named with its file and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library.entries import Shape, read_pool

LANGS = ("en", "tr")


def read(tmp_path: Path, body: str, shape: Shape) -> tuple[tuple, list[str]]:
    folder = tmp_path / "library"
    folder.mkdir(exist_ok=True)
    path = folder / "pool.yaml"
    path.write_text(body, encoding="utf-8")
    problems: list[str] = []
    return read_pool(path, LANGS, shape, problems), problems


GOOD = "- {id: a, section: safety, depth: 2, en: Hello, tr: Merhaba}\n"


def test_a_tagged_entry_is_read_with_its_tags(tmp_path: Path) -> None:
    [entry], problems = read(tmp_path, GOOD, Shape())
    assert problems == []
    assert (entry.id, entry.section, entry.depth, entry.text["tr"]) == ("a", "safety", 2, "Merhaba")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "- {id: a, section: safety, depth: 2, en: Hi}\n",
            "library/pool.yaml: a: missing text in tr",
        ),
        ("- {id: a, section: moon, depth: 2, en: Hi, tr: Selam}\n", "a: section must be one of"),
        ("- {id: a, section: safety, depth: 4, en: Hi, tr: Selam}\n", "a: depth must be 1, 2 or 3"),
        ("- {id: a, en: Hi, tr: Selam}\n", "a: section must be one of"),
        (
            "- {id: a, section: safety, depth: 1, en: 'Hi {x}', tr: 'Selam {x}'}\n",
            "unknown placeholder(s) x",
        ),
        (GOOD + GOOD, "a: duplicate id"),
        ("[]\n", "must be a non-empty list"),
        ("- {en: Hi, tr: Selam}\n", "#1: needs an id"),
        (
            "- {id: a, section: safety, depth: 1, en: Hi, tr: '" + "uzun " * 29 + "'}\n",
            "a: tr text is 145 characters; keep it to 140 for a phone",
        ),
    ],
)
def test_a_bad_entry_is_named_with_the_reason(tmp_path: Path, body: str, problem: str) -> None:
    _, problems = read(tmp_path, body, Shape())
    assert any(problem in p for p in problems), problems


def test_ideas_must_say_where_they_fit(tmp_path: Path) -> None:
    body = "- {id: a, section: safety, depth: 1, en: Hi, tr: Selam, settings: [home, moon]}\n"
    _, problems = read(tmp_path, body, Shape(settings=True))
    assert problems == [
        "library/pool.yaml: a: settings must list some of home, outside, low_budget, long_distance"
    ]


CHOICES = "- {{id: a, section: safety, depth: 1, en: Hi, tr: Selam, choices: {choices}}}\n"


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ("{en: [x, y], tr: [x]}", "choices differ in number between languages"),
        ("{en: [x], tr: [x]}", "offer 2 to 4 choices"),
        ("{en: [x, y]}", "choices need a list in each of en, tr"),
        ("{en: [x, " + "y" * 40 + "], tr: [x, y]}", "each choice is a label of 1 to 32 characters"),
    ],
)
def test_choices_are_checked(tmp_path: Path, choices: str, problem: str) -> None:
    _, problems = read(tmp_path, CHOICES.format(choices=choices), Shape(choices=True))
    assert problems == [f"library/pool.yaml: a: {problem}"]


def test_choices_keep_their_order_in_every_language(tmp_path: Path) -> None:
    body = CHOICES.format(choices="{en: [Tea, Coffee], tr: [Çay, Kahve]}")
    [entry], problems = read(tmp_path, body, Shape(choices=True))
    assert problems == [] and entry.choices == {"en": ("Tea", "Coffee"), "tr": ("Çay", "Kahve")}


def test_choices_are_refused_where_a_pool_does_not_use_them(tmp_path: Path) -> None:
    _, problems = read(tmp_path, CHOICES.format(choices="{en: [x, y], tr: [x, y]}"), Shape())
    assert problems == ["library/pool.yaml: a: choices are not used in this pool"]
