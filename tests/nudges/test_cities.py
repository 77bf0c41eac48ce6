"""A shared location maps to the timezone of the nearest known city."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.nudges.cities import distance_km, load_cities, nearest

CITIES = load_cities(PROJECT_ROOT / "data" / "nudges" / "cities.yaml", ("en", "tr"))


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (41.04, 29.0, "Europe/Istanbul"),  # Kadıköy
        (52.40, 13.06, "Europe/Berlin"),  # Potsdam
        (40.73, -73.93, "America/New_York"),  # Brooklyn
        (37.33, -121.89, "America/Los_Angeles"),  # San José
        (-37.9, 145.1, "Australia/Melbourne"),
        (35.0, 135.77, "Asia/Tokyo"),  # Kyoto
        (39.0, 35.0, "Europe/Istanbul"),  # central Anatolia
    ],
)
def test_nearest_city_gives_the_timezone(lat, lon, zone) -> None:
    assert nearest(CITIES, lat, lon).tz == zone


def test_distance_is_great_circle() -> None:
    assert distance_km(41.01, 28.98, 39.93, 32.86) == pytest.approx(350, abs=10)
    assert distance_km(0, 179.9, 0, -179.9) < 25, "across the date line"


def test_the_menu_offers_a_short_list_with_names_in_both_languages() -> None:
    menu = [c for c in CITIES if c.menu]
    assert 6 <= len(menu) <= 12
    assert {c.name["tr"] for c in menu} >= {"İstanbul", "Londra"}
