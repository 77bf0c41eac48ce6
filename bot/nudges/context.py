"""What every part of the check-in feature shares: data files and configuration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from bot.nudges.cities import City
from bot.nudges.pools import Pools
from bot.storage.models import User

AWAIT_FOR = timedelta(hours=2)
"""How long a typed answer (or setting) is expected after the person asked to give one."""


@dataclass(frozen=True)
class Nudging:
    pools: Pools
    cities: tuple[City, ...]
    default_tz: str
    grace: timedelta
    lease: timedelta
    batch: int

    @classmethod
    def from_settings(cls, settings: Settings, pools: Pools, cities: tuple[City, ...]) -> Nudging:
        return cls(
            pools=pools,
            cities=cities,
            default_tz=settings.default_timezone,
            grace=timedelta(minutes=settings.nudge_grace_minutes),
            lease=timedelta(seconds=settings.nudge_lease_seconds),
            batch=settings.nudge_batch_size,
        )

    def timezone(self, user: User) -> str:
        return user.timezone or self.default_tz

    @property
    def menu_cities(self) -> tuple[City, ...]:
        return tuple(c for c in self.cities if c.menu)


def reachable(user: User | None, now: datetime) -> bool:
    """Active, not pausing unprompted messages (their own /pause, or a safety pause), and
    not in quiet mode (bot.safety.quiet: nothing of theirs is shared with a partner)."""
    if user is None or not user.active or user.quiet:
        return False
    paused = user.nudges_paused_until
    return paused is None or paused <= now
