"""Test order under `make mutate`: the quickest tests first, so a mutant dies sooner.

mutmut runs, for each mutant, the tests that reached the mutated function, with `-x`,
in the order of a Python set: a mutant that the first fast test would kill may wait
behind a minute of simulated weeks. Its stats run timed every test
(`mutmut-stats.json`, in the directory the tests run from); ordered by that, a killed
mutant costs about its fastest killing test. Survivors still run everything, so the
verdicts are the same; the suite's tests do not depend on their order (they run
shuffled across xdist workers in `make test`).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

import pytest

STATS = Path("mutmut-stats.json")


def under_mutation() -> bool:
    """A mutant is being tested (not mutmut's stats or forced-failure runs, not `make test`)."""
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


@cache
def durations() -> dict[str, float]:
    """Seconds per test id, as mutmut's stats run measured them ({} when there are none)."""
    try:
        return dict(json.loads(STATS.read_text())["duration_by_test"])
    except (OSError, ValueError, KeyError):
        return {}


def quickest_first(items: list[pytest.Item]) -> None:
    """Sort `items` in place by their measured duration; unmeasured ones keep their place
    after the measured ones (a stable sort)."""
    timed = durations()
    items.sort(key=lambda item: timed.get(item.nodeid, float("inf")))
