"""Walking a pool: everything once before anything twice, for every library pool."""

from __future__ import annotations

import itertools

import pytest

from bot.config import PROJECT_ROOT
from bot.library import rotation
from bot.library.catalog import load_library
from bot.nudges.pools import KINDS


@pytest.fixture(scope="module")
def pools() -> dict[str, tuple]:
    library = load_library(PROJECT_ROOT / "data", ("en", "tr"))
    found = {kind: library.pools.pools[kind] for kind in KINDS}
    found["ideas"] = library.ideas
    for depth in (1, 2, 3):
        found[f"lovemaps{depth}"] = library.lovemaps_at(depth)
    return found


POOLS = [*KINDS, "ideas", "lovemaps1", "lovemaps2", "lovemaps3"]


@pytest.mark.parametrize("name", POOLS)
@pytest.mark.parametrize("owner", [1001, "couple:7"])
def test_no_entry_repeats_until_the_pool_is_used_up(pools, name: str, owner: object) -> None:
    entries = pools[name]
    walk = [rotation.pick(entries, owner, name, served).id for served in range(len(entries) * 3)]
    for start in range(0, len(walk), len(entries)):
        assert sorted(walk[start : start + len(entries)]) == sorted(e.id for e in entries)
    assert all(a != b for a, b in itertools.pairwise(walk)), "never twice in a row"


@pytest.mark.parametrize("size", [2, 3, 5, 8])
def test_small_pools_also_never_repeat_within_a_round_or_across_rounds(size: int) -> None:
    entries = list(range(size))
    for owner in range(200):
        walk = [rotation.pick(entries, owner, "p", n) for n in range(size * 6)]
        for start in range(0, len(walk), size):
            assert sorted(walk[start : start + size]) == entries, (owner, walk)
        assert all(a != b for a, b in itertools.pairwise(walk)), (owner, walk)


def test_two_owners_walk_a_pool_in_different_orders(pools) -> None:
    ideas = pools["ideas"]
    assert [rotation.pick(ideas, 1, "ideas", n).id for n in range(10)] != [
        rotation.pick(ideas, 2, "ideas", n).id for n in range(10)
    ]
