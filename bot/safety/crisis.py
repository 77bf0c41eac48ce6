"""Help lines by country and by what the person needs, from `data/crisis_resources.yaml`.

Each line says whom it is for: `self_harm` (crisis and suicide lines), `abuse`
(domestic and sexual violence), `uses_violence` (people who want to stop
hurting a partner); an `emergency` line is shown to everyone. The country is
the one the person chose (`users.country`); before they choose, a guess from
their time zone or language may be *offered* (shown with its name and a way to
change it), never used silently. The international lines are always added, so
nobody is ever left with an empty list.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import PROJECT_ROOT
from bot.safety.words import fold
from bot.storage.models import User

RESOURCES_FILE = PROJECT_ROOT / "data" / "crisis_resources.yaml"
GROUPS = ("self_harm", "abuse", "uses_violence")
"""What a person needs: the answer the safety screen gives is one of these."""
LETTERS = {
    "s": ("self_harm",),
    "a": ("abuse",),
    "v": ("uses_violence",),
    "x": ("self_harm", "abuse"),
}
"""Needs as they travel in button data; "x" is every-day help (/help_now, /settings)."""
LETTER = {groups[0]: letter for letter, groups in LETTERS.items() if len(groups) == 1}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Resource(_Frozen):
    name: dict[str, str]
    contact: str = Field(min_length=2)
    emergency: bool = False
    serves: tuple[str, ...] = Field(default=GROUPS, alias="for", min_length=1)

    @field_validator("serves")
    @classmethod
    def _known_groups(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown groups {sorted(unknown)}; use {GROUPS}")
        return value

    def fits(self, group: str) -> bool:
        return self.emergency or group in self.serves


class Country(_Frozen):
    name: dict[str, str]
    source: str = Field(min_length=20)
    """Where the numbers come from, and what was left out and why."""
    lines: tuple[Resource, ...] = Field(min_length=1)
    menu: bool = False
    """Offered as a button in the country list (the others are found by typing)."""
    aliases: tuple[str, ...] = ()


class CrisisResources(_Frozen):
    fallback: tuple[Resource, ...] = Field(min_length=1)
    countries: dict[str, Country] = Field(default_factory=dict)

    def lines(self, country: str | None, group: str) -> tuple[Resource, ...]:
        """The country's lines for `group` first (when known), then the international ones.

        The international generic emergency line is left out when the country has its own.
        """
        local: tuple[Resource, ...] = ()
        if country in self.countries:
            local = tuple(r for r in self.countries[country].lines if r.fits(group))
        has_emergency = any(r.emergency for r in local)
        rest = tuple(
            r for r in self.fallback if r.fits(group) and not (has_emergency and r.emergency)
        )
        return local + rest

    def emergency(self, country: str | None) -> str:
        return " / ".join(r.contact for r in self.lines(country, GROUPS[0]) if r.emergency)

    def name(self, country: str, lang: str) -> str:
        names = self.countries[country].name
        return names.get(lang) or next(iter(names.values()))

    def menu(self) -> list[str]:
        return [code for code, c in self.countries.items() if c.menu]

    def find(self, typed: str) -> str | None:
        """The country someone typed: its name in any language, an alias or its ISO code."""
        wanted = " ".join(fold(typed).replace(".", "").split())
        for code, country in self.countries.items():
            names = {code.lower(), *map(fold, country.name.values()), *map(fold, country.aliases)}
            if wanted in names:
                return code
        return None

    def all_resources(self) -> list[Resource]:
        found = list(self.fallback)
        for country in self.countries.values():
            found += country.lines
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


LANGUAGE_COUNTRY = {"tr": "TR"}
"""A language spoken mainly in one country, for the first suggestion in the country list."""


def suggested_country(user: User, data: CrisisResources) -> str | None:
    """A country to offer first (from the time zone, else the language); never used unasked."""
    for guess in (zone_countries().get(user.timezone or ""), LANGUAGE_COUNTRY.get(user.lang)):
        if guess in data.countries:
            return guess
    return None


def resources_for(
    user: User, group: str = GROUPS[0], data: CrisisResources | None = None
) -> tuple[Resource, ...]:
    """Lines for the country the person chose (international ones until they choose)."""
    data = data or default_resources()
    return data.lines(user.country, group)
