"""Timezones from cities: a short menu, and the nearest city to a shared location.

Offline and small on purpose: a shared location maps to the timezone of the
nearest of ~120 cities (great-circle distance). Near a border this can pick
the neighbour's zone, so the answer always names the city and can be changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.nudges.schedule import is_timezone
from bot.plugins import DataError, DataFile

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when available: the city list loads ~10x faster."""


@dataclass(frozen=True)
class City:
    name: Mapping[str, str]
    tz: str
    lat: float
    lon: float
    menu: bool = False


class CityError(DataError):
    pass


def load_cities(path: Path, languages: Sequence[str]) -> tuple[City, ...]:
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    cities: list[City] = []
    for i, item in enumerate(raw or ()):
        try:
            city = City(
                {lang: str(item["name"][lang]) for lang in languages},
                str(item["tz"]),
                float(item["lat"]),
                float(item["lon"]),
                bool(item.get("menu", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CityError(f"{_name(path)}: entry {i + 1}: {exc!r}") from None
        if not is_timezone(city.tz) or not (-90 <= city.lat <= 90 and -180 <= city.lon <= 180):
            raise CityError(f"{_name(path)}: entry {i + 1}: bad timezone or coordinates")
        cities.append(city)
    if not cities:
        raise CityError(f"{_name(path)}: -: no cities")
    return tuple(cities)


def _name(path: Path) -> str:
    """The file as the data directory names it (nudges/cities.yaml)."""
    return f"{path.parent.name}/{path.name}"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def nearest(cities: Sequence[City], lat: float, lon: float) -> City:
    return min(cities, key=lambda c: distance_km(lat, lon, c.lat, c.lon))


CITIES_FILE = "nudges/cities.yaml"
CITIES: DataFile[tuple[City, ...]] = DataFile(
    CITIES_FILE, lambda data, langs: load_cities(data / CITIES_FILE, langs)
)
"""The cities offered when choosing a time zone."""
