"""`make bench`: every benchmark module, one after another, figures printed side by side."""

from __future__ import annotations

import asyncio
import importlib
import sys

MODULES = [
    "tests.bench.bench_core",
    "tests.bench.bench_nudges",
    "tests.bench.bench_load",
    "tests.bench.bench_safety",
]


def main(selected: list[str]) -> None:
    for name in MODULES:
        if selected and not any(s in name for s in selected):
            continue
        module = importlib.import_module(name)
        print(f"\n== {name} ==", flush=True)
        asyncio.run(module.main())


if __name__ == "__main__":
    main(sys.argv[1:])
