"""How `make test` hands tests to its pytest-xdist workers.

One test at a time, to whichever worker is free (xdist's `load`), except the modules in
`ONE_WORKER`: each goes whole to one worker, because a module-scoped fixture of theirs
is expensive and, spread over two workers, each of them builds it again.

xdist's own way to say this, the `xdist_group` mark with `--dist loadgroup`, has no
effect with pytest 9.2: the worker renames the test (`item._nodeid`) to carry its
group, but pytest now derives `nodeid` from elsewhere, so every test stayed a group of
its own and the recognition tables (~200 s of CPU) were built on both workers.
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

ONE_WORKER = ("tests/safety/test_recognition.py",)
"""The recognition tables screen every corpus sentence with the reader by meaning."""


class OneWorkerFor(LoadScopeScheduling):
    """xdist's scope scheduling with a scope per test, except one per module listed.

    Scopes go out largest first (xdist's default reordering), so the grouped modules
    start at once, and the rest keeps the order the workers collected it in: longest
    first (`tests/conftest.py`).
    """

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return module if module in ONE_WORKER else nodeid
