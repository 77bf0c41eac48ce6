"""Logging is process-wide: what one test configures, every later test in that process sees.

`setup_logging` (bot/logs.py) replaces the root handlers, sets the root level and the
levels and filters of named loggers. A test that calls it in-process must put all of it
back, or a later test sees a different log: a leftover root handler with the redaction
filter, for one, rewrites every record (its traceback becomes text, `exc_info` None)
before pytest's `caplog` gets it. Which test comes "later" depends on the order, and
under pytest-xdist the order changes from run to run, so a leak shows up as a failure
somewhere else, now and then. `restored_logging` puts the state back;
`LoggingState.changes` is what the whole-suite guard in tests/conftest.py checks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_PYTEST_HANDLERS = "_pytest."
"""pytest attaches its own capture handlers to the root around each test phase."""


def _ours(handlers: list[logging.Handler]) -> tuple[logging.Handler, ...]:
    return tuple(h for h in handlers if not type(h).__module__.startswith(_PYTEST_HANDLERS))


@dataclass(frozen=True)
class _LoggerState:
    level: int
    filters: tuple[object, ...]
    handlers: tuple[logging.Handler, ...]
    disabled: bool
    propagate: bool


_FRESH = _LoggerState(logging.NOTSET, (), (), False, True)
"""A logger nobody has touched."""


def _differs(before: _LoggerState | None, after: _LoggerState) -> bool:
    """A logger first made during a test (a module imported late) may come with a
    library's own NullHandler; a level or a filter on it is still a test's doing."""
    if before is not None:
        return before != after
    return (after.level, after.filters, after.disabled) != (logging.NOTSET, (), False)


@dataclass(frozen=True)
class LoggingState:
    """The root's level and handlers and every named logger's settings, at one moment."""

    root_level: int
    root_handlers: tuple[logging.Handler, ...]
    loggers: dict[str, _LoggerState]

    @classmethod
    def now(cls) -> LoggingState:
        root = logging.getLogger()
        loggers = {
            name: _LoggerState(
                logger.level,
                tuple(logger.filters),
                tuple(logger.handlers),
                logger.disabled,
                logger.propagate,
            )
            for name, logger in list(logging.Logger.manager.loggerDict.items())
            if isinstance(logger, logging.Logger)
        }
        return cls(root.level, _ours(root.handlers), loggers)

    def changes(self, later: LoggingState) -> list[str]:
        """What differs in `later`, one line each (empty when nothing does)."""
        said = []
        if later.root_level != self.root_level:
            said.append(f"root level {self.root_level} -> {later.root_level}")
        if later.root_handlers != self.root_handlers:
            said.append(f"root handlers {self.root_handlers} -> {later.root_handlers}")
        for name, after in sorted(later.loggers.items()):
            before = self.loggers.get(name)
            if _differs(before, after):
                said.append(f"logger {name!r}: {before or _FRESH} -> {after}")
        return said

    def restore(self) -> None:
        root = logging.getLogger()
        pytest_handlers = [h for h in root.handlers if h not in _ours(root.handlers)]
        for handler in _ours(root.handlers):
            if handler not in self.root_handlers:
                handler.close()
        root.handlers[:] = [*self.root_handlers, *pytest_handlers]
        root.setLevel(self.root_level)
        for name, logger in list(logging.Logger.manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            state = self.loggers.get(name)
            if state is None:  # made meanwhile: keep its own handlers, undo the rest
                state = _LoggerState(logging.NOTSET, (), tuple(logger.handlers), False, True)
            logger.setLevel(state.level)
            logger.filters[:] = list(state.filters)
            logger.handlers[:] = list(state.handlers)
            logger.disabled, logger.propagate = state.disabled, state.propagate


@contextmanager
def restored_logging() -> Iterator[None]:
    """Run a block that configures logging (`setup_logging`), then put everything back."""
    state = LoggingState.now()
    try:
        yield
    finally:
        state.restore()
