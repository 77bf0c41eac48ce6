"""The library keeps its promise: enough of everything for a year, in every language."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.library.catalog import (
    MINIMUMS,
    Library,
    load_library,
    named_entries,
    shortfalls,
    sizes,
)
from bot.library.entries import DEPTHS, SECTIONS, SETTINGS, Entry
from bot.library.similar import alike, near_duplicates
from bot.nudges.pools import CHECKIN, KINDS
from tests.test_main import run

DATA = PROJECT_ROOT / "data"
LANGUAGES = ("en", "tr")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(DATA, LANGUAGES)


def everything(library: Library) -> list[tuple[str, Entry]]:
    pools = [(kind, e) for kind in KINDS for e in library.pools.pools[kind]]
    return (
        pools + [("ideas", e) for e in library.ideas] + [("lovemaps", e) for e in library.lovemaps]
    )


def test_every_promised_pool_is_big_enough(library: Library) -> None:
    found = sizes(library)
    assert set(found) == set(MINIMUMS)
    for name, count in found.items():
        assert count >= MINIMUMS[name], name
    assert shortfalls(library) == []


def test_every_entry_is_written_in_every_language_and_translated(library: Library) -> None:
    for pool, entry in everything(library):
        en, tr = entry.text["en"], entry.text["tr"]
        assert en.strip() and tr.strip(), f"{pool}/{entry.id}"
        assert en != tr, f"{pool}/{entry.id} is not translated"
        assert _fields(en) == _fields(tr), f"{pool}/{entry.id}: placeholders differ"
        for lang in LANGUAGES:
            assert len(entry.choices.get(lang, ())) == len(entry.choices.get("en", ()))


def test_library_entries_are_tagged_by_section_and_depth(library: Library) -> None:
    tagged = [(p, e) for p, e in everything(library) if p != "continue"]
    assert all(e.section in SECTIONS and e.depth in DEPTHS for _, e in tagged)
    used = {e.section for _, e in tagged}
    assert used == set(SECTIONS), f"sections with nothing: {set(SECTIONS) - used}"
    for depth in DEPTHS:
        assert sum(1 for p, e in tagged if p == "couple" and e.depth == depth) >= 20


def test_ideas_cover_every_setting_and_love_maps_every_depth(library: Library) -> None:
    for setting in SETTINGS:
        assert sum(1 for idea in library.ideas if setting in idea.settings) >= 10, setting
    for depth in DEPTHS:
        questions = library.lovemaps_at(depth)
        assert len(questions) >= 30
        assert any(q.choices for q in questions) and any(not q.choices for q in questions)


def test_every_check_in_question_names_its_one_to_five_scale(library: Library) -> None:
    for prompt in library.pools.pools[CHECKIN]:
        for lang in LANGUAGES:
            assert re.search(r"\b1\b.*\b5\b", prompt.text[lang]), f"{prompt.id}/{lang}"


def test_ids_are_unique_across_the_whole_library(library: Library) -> None:
    for name, entries in (("ideas", library.ideas), ("lovemaps", library.lovemaps)):
        ids = [e.id for e in entries]
        assert len(ids) == len(set(ids)), name


def shrunk_copy(tmp_path: Path) -> Path:
    """The real data with the love-maps pool cut to its first five questions."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.db*"))
    path = data / "library" / "lovemaps.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- id:")]
    path.write_text("".join(lines[: starts[5]]), encoding="utf-8")
    return data


def test_a_library_that_shrinks_is_reported_with_what_is_missing(tmp_path: Path) -> None:
    library = load_library(shrunk_copy(tmp_path), LANGUAGES)
    found = shortfalls(library)
    assert "love-maps questions: -: 5 entries, fewer than the 120 promised" in found
    assert any("library/lovemaps.yaml: -: 0 questions of depth 3" in line for line in found)


def test_check_content_fails_on_a_library_that_shrank(tmp_path: Path) -> None:
    done = run("check-content", DATA_DIR=str(shrunk_copy(tmp_path)))
    assert done.returncode == 3
    assert "love-maps questions: -: 5 entries" in done.stderr


def test_check_content_reports_the_library_sizes() -> None:
    done = run("check-content")
    assert done.returncode == 0, done.stderr
    assert re.search(r"library OK: \d+ couple questions", done.stdout)


def test_check_content_names_an_untranslated_entry(tmp_path: Path) -> None:
    data = shrunk_copy(tmp_path)
    path = data / "library" / "ideas.yaml"
    text = path.read_text(encoding="utf-8")
    first_tr = next(line for line in text.splitlines() if line.startswith("  tr:"))
    path.write_text(text.replace(first_tr + "\n", "", 1), encoding="utf-8")
    done = run("check-content", DATA_DIR=str(data))
    assert done.returncode == 3
    assert "library/ideas.yaml: tea_ten: missing text in tr" in done.stderr


def test_no_two_entries_read_almost_alike_in_any_language(library: Library) -> None:
    assert near_duplicates(named_entries(library), LANGUAGES) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (  # the same question, a few words apart (fixed in the review of issue 16)
            "What are you looking forward to this month?",
            "What are you looking forward to most in the coming month?",
        ),
        (  # one word changed in a template
            "What's the best part of your work or days right now?",
            "What's the hardest part of your work or days right now?",
        ),
        (
            "Yaşadığın yerle ilgili tek bir şeyi değiştirebilseydin, ne olurdu?",
            "Evinle ilgili tek bir şeyi değiştirebilseydin, ne olurdu?",
        ),
    ],
)
def test_near_duplicates_are_found(a: str, b: str) -> None:
    assert alike(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (  # the same 1-5 scale, different questions
            "How easy was it to really talk with {partner} this week? 1 is hard, 5 is easy.",
            "How easy was it this week to lean on {partner} when you needed something? "
            "1 is hard, 5 is easy.",
        ),
        ("Which season do you like best?", "Which greeting do you like best after a day apart?"),
    ],
)
def test_entries_that_only_share_a_shape_are_not_near_duplicates(a: str, b: str) -> None:
    assert not alike(a, b)


def test_check_content_names_a_near_duplicate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.db*"))
    path = data / "library" / "ideas.yaml"
    text = path.read_text(encoding="utf-8")
    twin = (
        "- id: tea_ten_again\n  section: pressure\n  depth: 1\n  settings: [home]\n"
        '  en: "A ten-minute tea break together each evening this week, phones in another room."\n'
        '  tr: "Bu hafta her akşam, telefonlar başka odada, birlikte on dakikalık çay molası."\n'
    )
    path.write_text(text + twin, encoding="utf-8")
    done = run("check-content", DATA_DIR=str(data))
    assert done.returncode == 3
    assert (
        "library/ideas.yaml: tea_ten: reads almost like library/ideas.yaml tea_ten_again (en, tr)"
        in done.stderr
    )


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}
