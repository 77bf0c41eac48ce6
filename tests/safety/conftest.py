"""Safety tests use the couples' people and steps (a disclosure is about a partner)."""

from tests.couples.conftest import coach, pg_coach

__all__ = ["coach", "pg_coach"]
