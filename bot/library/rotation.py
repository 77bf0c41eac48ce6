"""Walking a pool without repeats: each owner's own shuffled order, round after round.

An owner (a person, or a couple for a game they play together) sees every
entry once before any comes back, two owners walk the pool in different
orders, and a new round never starts with the entry that ended the last one.
The order is derived from (owner, pool, round), so only a counter is stored.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def shuffled(size: int, owner: object, pool: str, round_: int) -> list[int]:
    order = list(range(size))
    random.Random(f"{owner}:{pool}:{round_}").shuffle(order)
    return order


def rotation(size: int, owner: object, pool: str, round_: int) -> list[int]:
    """The order of one round: a shuffle that never begins where the last round ended.

    Each round's shuffle is independent, so the fix-up looks only at the previous
    round's plain shuffle (its own fix-up swaps only its first two places, which
    never moves its last entry when the pool has three or more). A pool of two
    simply alternates.
    """
    if size <= 2:
        return shuffled(size, owner, pool, 0)
    order = shuffled(size, owner, pool, round_)
    if round_ > 0:
        previous = shuffled(size, owner, pool, round_ - 1)[-1]
        if order[0] == previous:  # never the same entry twice in a row across rounds
            order[0], order[1] = order[1], order[0]
    return order


def pick(entries: Sequence[T], owner: object, pool: str, served: int) -> T:
    """The `served`-th entry (counting from 0) of `owner`'s walk through `pool`."""
    round_, index = divmod(served, len(entries))
    return entries[rotation(len(entries), owner, pool, round_)[index]]
