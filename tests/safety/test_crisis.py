"""Crisis resources: real, well-known lines, in every language, with a fallback."""

from __future__ import annotations

import pytest

from bot.safety.crisis import default_resources, resources_for, zone_countries
from bot.storage.models import User


def contacts(user: User) -> list[str]:
    return [r.contact for r in resources_for(user)]


def person(lang: str = "en", timezone: str | None = None) -> User:
    return User(id=1, chat_id=1, lang=lang, timezone=timezone)


def test_every_resource_names_itself_in_every_language(content):
    for resource in default_resources().all_resources():
        assert set(resource.name) == set(content.languages), resource


def test_the_international_fallback_is_always_there():
    for who in (person(), person("tr"), person(timezone="America/New_York")):
        assert "https://findahelpline.com" in contacts(who)


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        ("America/New_York", {"988", "911"}),
        ("Europe/London", {"116 123", "999"}),
        ("Europe/Dublin", {"116 123"}),
        ("Europe/Istanbul", {"112"}),
        ("Europe/Berlin", {"112"}),
        ("Europe/Paris", {"112"}),
        ("Australia/Sydney", {"13 11 14", "000"}),
    ],
)
def test_the_country_comes_from_the_time_zone(timezone, expected):
    assert expected <= set(contacts(person(timezone=timezone)))


def test_turkish_speakers_without_a_time_zone_get_turkish_lines():
    assert {"112", "183"} <= set(contacts(person("tr")))


def test_unknown_country_gets_the_fallback_with_an_emergency_hint():
    lines = resources_for(person())
    assert lines[0].contact == "https://findahelpline.com"
    assert any(r.emergency for r in lines)


def test_a_country_with_its_own_emergency_number_does_not_repeat_the_generic_one():
    lines = resources_for(person(timezone="America/Chicago"))
    assert [r.contact for r in lines if r.emergency] == ["911"]


def test_zone_table_maps_zones_to_iso_countries():
    assert zone_countries()["Europe/Istanbul"] == "TR"
    assert zone_countries()["Europe/London"] == "GB"
