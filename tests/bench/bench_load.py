"""The load benchmark (issue 14): many people at once, Attune beside a bare PTB bot.

See `tests/bench/load` for the pieces and `load/scenarios.py` for the settings
(`BENCH_QUICK=1` for a run of a few minutes).
"""

from tests.bench.load.scenarios import main

__all__ = ["main"]
