"""The shape of the house, read from the imports: layers hold and no module goes round a circle.

The engine knows no storage, Telegram or feature; storage knows no feature;
features know neither the coach nor a transport; transports know no feature.
`docs/import-graph.svg` draws the same graph (`python -m tests.support.import_graph`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

import grimp
import pytest

import bot
from bot.features import FEATURES

TRANSPORTS = ("bot.telegram", "bot.console", "bot.console_main")
ROOTS = ("bot.coach", "bot.runtime", "bot.__main__", *TRANSPORTS)
"""Modules that put the pieces together; only these may know the coach or every feature."""


@cache
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("bot")


def feature_packages() -> set[str]:
    """bot.cooldown, bot.conversations, …: where each listed feature lives."""
    return {".".join(f.__module__.split(".")[:2]) for f in FEATURES}


def imports(package: str) -> set[str]:
    """Every bot module that a module of `package` (or `package` itself) imports directly."""
    found: set[str] = set()
    for module in {package, *graph().find_descendants(package)}:
        found |= graph().find_modules_directly_imported_by(module)
    return found


def inside(module: str, packages: set[str] | tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_no_module_imports_itself_round_a_circle() -> None:
    circles = [
        (module, imported)
        for module in sorted(graph().modules)
        for imported in graph().find_modules_directly_imported_by(module)
        if graph().find_shortest_chain(importer=imported, imported=module)
    ]
    assert circles == []


def test_the_engine_is_pure() -> None:
    outside = {m for m in imports("bot.engine") if not inside(m, ("bot.engine",))}
    assert outside == set(), "the engine knows no storage, transport, feature or clock"


def test_storage_knows_no_feature() -> None:
    assert {m for m in imports("bot.storage") if inside(m, feature_packages())} == set()


@pytest.mark.parametrize("package", sorted(feature_packages()))
def test_a_feature_knows_neither_the_coach_nor_a_transport(package: str) -> None:
    assert {m for m in imports(package) if inside(m, ROOTS)} == set()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_transport_knows_no_feature(transport: str) -> None:
    assert {m for m in imports(transport) if inside(m, feature_packages())} == set()


def test_every_feature_in_the_tree_is_listed_once() -> None:
    """A feature module missing from `bot/features.py` would silently do nothing."""
    declared = set()
    for info in pkgutil.walk_packages(bot.__path__, "bot."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        factory = getattr(module, "feature", None)
        if inspect.isfunction(factory) and factory.__module__ == info.name:
            declared.add(factory)
    assert declared == set(FEATURES)
    assert len(FEATURES) == len(set(FEATURES))
