"""Crisis resources by country and language, from `data/crisis_resources.yaml`.

The country comes from the person's time zone when we know it (the IANA zone
table maps zones to countries), else from their language where that is a fair
guess (Turkish → Turkey). The international fallback is always added, so
nobody is ever left with an empty list.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.config import PROJECT_ROOT
from bot.storage.models import User

RESOURCES_FILE = PROJECT_ROOT / "data" / "crisis_resources.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Resource(_Frozen):
    name: dict[str, str]
    contact: str
    emergency: bool = False


class Emergency112(_Frozen):
    name: dict[str, str]
    contact: str
    countries: tuple[str, ...]


class CrisisResources(_Frozen):
    fallback: tuple[Resource, ...] = Field(min_length=1)
    countries: dict[str, tuple[Resource, ...]] = Field(default_factory=dict)
    country_by_language: dict[str, str] = Field(default_factory=dict)
    emergency_112: Emergency112 | None = None

    def for_country(self, country: str | None) -> tuple[Resource, ...]:
        """Country lines first (when known), then the international fallback.

        The fallback's generic emergency line is left out when the country has its own.
        """
        local: tuple[Resource, ...] = ()
        if country in self.countries:
            local = self.countries[country]
        elif self.emergency_112 is not None and country in self.emergency_112.countries:
            e = self.emergency_112
            local = (Resource(name=e.name, contact=e.contact, emergency=True),)
        has_emergency = any(r.emergency for r in local)
        return local + tuple(r for r in self.fallback if not (has_emergency and r.emergency))

    def all_resources(self) -> list[Resource]:
        found = list(self.fallback)
        for lines in self.countries.values():
            found += lines
        return found


def load_resources(path: Path = RESOURCES_FILE) -> CrisisResources:
    return CrisisResources.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def default_resources() -> CrisisResources:
    return load_resources()


@cache
def zone_countries() -> dict[str, str]:
    """IANA zone name → ISO country code, from the tzdata package's zone.tab."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _coords, zone, *_ = line.split("\t")
            table[zone] = code
    return table


def country_of(user: User, data: CrisisResources) -> str | None:
    if user.timezone:
        country = zone_countries().get(user.timezone)
        if country:
            return country
    return data.country_by_language.get(user.lang)


def resources_for(user: User, data: CrisisResources | None = None) -> tuple[Resource, ...]:
    data = data or default_resources()
    return data.for_country(country_of(user, data))
