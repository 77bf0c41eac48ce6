"""Under `make mutate` the quickest tests run first; elsewhere nothing changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support import mutants


@pytest.fixture
def stats_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    mutants.durations.cache_clear()
    yield tmp_path / "mutmut-stats.json"
    mutants.durations.cache_clear()


def items(*ids: str) -> list:
    return [SimpleNamespace(nodeid=i) for i in ids]


def test_the_quickest_measured_tests_go_first_and_unmeasured_ones_last(stats_here) -> None:
    timed = {"t.py::slow": 40.0, "t.py::quick": 0.1, "t.py::middling": 2.5}
    stats_here.write_text(json.dumps({"duration_by_test": timed}))
    order = items("t.py::slow", "t.py::new", "t.py::middling", "t.py::quick", "t.py::newer")
    mutants.quickest_first(order)
    assert [i.nodeid for i in order] == [
        "t.py::quick",
        "t.py::middling",
        "t.py::slow",
        "t.py::new",
        "t.py::newer",
    ]


def test_without_mutmuts_stats_the_order_stays(stats_here) -> None:
    order = items("b", "a", "c")
    mutants.quickest_first(order)
    assert [i.nodeid for i in order] == ["b", "a", "c"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bot.nudges.sweep.x_claim__mutmut_12", True),
        ("stats", False),  # mutmut timing every test: the order it measures is the files'
        ("fail", False),
        ("", False),
    ],
)
def test_only_a_mutant_under_test_reorders(monkeypatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("MUTANT_UNDER_TEST", value)
    assert mutants.under_mutation() is expected


def test_make_test_is_not_reordered(monkeypatch) -> None:
    monkeypatch.delenv("MUTANT_UNDER_TEST", raising=False)
    assert not mutants.under_mutation()
