"""Prompt pools: every prompt in every language, and a rotation without repeats."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.nudges.pools import KINDS, PoolError, load_pools

FOLDER = PROJECT_ROOT / "data" / "nudges"


@pytest.fixture(scope="module")
def pools():
    return load_pools(FOLDER, ("en", "tr"))


def test_every_kind_has_a_pool_in_both_languages(pools) -> None:
    for kind in KINDS:
        prompts = pools.pools[kind]
        assert len(prompts) >= 4, kind
        for prompt in prompts:
            assert prompt.text["en"] and prompt.text["tr"]
            assert prompt.text["en"] != prompt.text["tr"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_rotation_uses_up_the_pool_before_repeating(pools, kind) -> None:
    size = len(pools.pools[kind])
    seen = [pools.pick(kind, 1001, served).id for served in range(size * 3)]
    for start in range(0, len(seen), size):
        assert sorted(seen[start : start + size]) == sorted(p.id for p in pools.pools[kind])
    assert all(a != b for a, b in itertools.pairwise(seen)), "never twice in a row"


def test_partners_walk_the_pool_in_different_orders(pools) -> None:
    alex = [pools.pick("checkin", 1001, i).id for i in range(6)]
    sam = [pools.pick("checkin", 1002, i).id for i in range(6)]
    assert alex != sam


def write(folder: Path, kind: str, body: str) -> None:
    (folder / f"{kind}.yaml").write_text(body, encoding="utf-8")


def valid_pools(folder: Path) -> None:
    folder.mkdir()
    for kind in KINDS:
        write(folder, kind, '- {id: a, en: "Hello", tr: "Merhaba"}\n')


def test_a_missing_translation_stops_start_up_with_the_file_and_prompt(tmp_path) -> None:
    valid_pools(tmp_path / "p")
    write(tmp_path / "p", "couple", '- {id: q1, en: "Only English"}\n')
    with pytest.raises(PoolError, match=r"couple.yaml: q1: missing text in tr"):
        load_pools(tmp_path / "p", ("en", "tr"))


def test_unknown_placeholders_and_duplicate_ids_are_refused(tmp_path) -> None:
    valid_pools(tmp_path / "p")
    write(
        tmp_path / "p",
        "checkin",
        '- {id: a, en: "Hi {nmae}", tr: "Selam {nmae}"}\n- {id: b, en: x, tr: y}\n'
        "- {id: b, en: x, tr: y}\n",
    )
    with pytest.raises(PoolError) as error:
        load_pools(tmp_path / "p", ("en", "tr"))
    assert "unknown placeholder(s) nmae" in str(error.value)
    assert "checkin.yaml: b: duplicate id" in str(error.value)


def test_a_missing_or_empty_pool_is_refused(tmp_path) -> None:
    valid_pools(tmp_path / "p")
    (tmp_path / "p" / "appreciation.yaml").unlink()
    write(tmp_path / "p", "continue", "[]\n")
    with pytest.raises(PoolError) as error:
        load_pools(tmp_path / "p", ("en", "tr"))
    assert "appreciation.yaml" in str(error.value) and "continue.yaml" in str(error.value)
