"""Help lines: every entry well formed, at least 30 countries, lines that fit the need."""

from __future__ import annotations

import re

import pytest

from bot.safety.crisis import GROUPS, default_resources, resources_for, suggested_country
from bot.storage.models import User

ISSUE_COUNTRIES = {"IN", "BR", "RU", "ID", "UA", "IR", "MX", "DE", "FR", "ES", "IT", "PL", "JP"}
ISSUE_COUNTRIES |= {"ZA", "NG", "US", "GB", "TR"}
CONTACT = re.compile(r"^(https://[\w./-]+|[0-9*#+][0-9 ./*#-]*[0-9])$")


def person(lang: str = "en", timezone: str | None = None, country: str | None = None) -> User:
    return User(id=1, chat_id=1, lang=lang, timezone=timezone, country=country)


def contacts(user: User, group: str = "self_harm") -> list[str]:
    return [r.contact for r in resources_for(user, group)]


def test_at_least_thirty_countries_including_the_ones_the_issue_names():
    countries = default_resources().countries
    assert len(countries) >= 30
    assert set(countries) >= ISSUE_COUNTRIES
    both = [
        code
        for code, country in countries.items()
        if {g for line in country.lines if not line.emergency for g in line.serves}
        >= {"self_harm", "abuse"}
    ]
    assert len(both) >= 30, "thirty countries with a crisis line and a violence line"


@pytest.mark.parametrize("code", sorted(default_resources().countries))
def test_every_country_entry_has_its_shape(code, content):
    country = default_resources().countries[code]
    assert re.fullmatch(r"[A-Z]{2}", code)
    assert set(country.name) == set(content.languages)
    assert len(country.source) >= 20, "a source note says where the numbers come from"
    emergency = [line for line in country.lines if line.emergency]
    assert len(emergency) == 1, "exactly one line to call in danger"
    for line in country.lines:
        assert set(line.name) == set(content.languages), line
        assert all(
            part.strip() and CONTACT.match(part.strip()) for part in line.contact.split(" / ")
        )
        assert set(line.serves) <= set(GROUPS)
    crisis = [line for line in country.lines if "self_harm" in line.serves and not line.emergency]
    violence = [line for line in country.lines if "abuse" in line.serves and not line.emergency]
    if not (crisis and violence):
        assert "directory" in country.source or "none is listed" in country.source, (
            "a country without a crisis or a violence line says why"
        )


def test_the_fallback_names_itself_in_every_language(content):
    for resource in default_resources().fallback:
        assert set(resource.name) == set(content.languages)


def test_the_international_lines_are_always_there():
    for who in (person(), person("tr"), person(country="US"), person(country="NG")):
        for group in GROUPS:
            assert "https://findahelpline.com" in contacts(who, group)


def test_the_lines_fit_the_need():
    uk = person(country="GB")
    assert "116 123" in contacts(uk, "self_harm") and "0808 2000 247" not in contacts(uk)
    assert "0808 2000 247" in contacts(uk, "abuse") and "116 123" not in contacts(uk, "abuse")
    assert "0808 802 4040" in contacts(uk, "uses_violence")
    assert all("999" in contacts(uk, group) for group in GROUPS)


def test_a_country_with_its_own_emergency_number_does_not_repeat_the_generic_one():
    lines = resources_for(person(country="US"))
    assert [r.contact for r in lines if r.emergency] == ["911"]


def test_nothing_is_guessed_unasked():
    assert contacts(person(timezone="America/New_York")) == contacts(person())
    assert contacts(person("tr")) == contacts(person())


def test_the_time_zone_or_language_only_suggests_a_country():
    data = default_resources()
    assert suggested_country(person(timezone="Europe/Berlin"), data) == "DE"
    assert suggested_country(person("tr"), data) == "TR"
    assert suggested_country(person(timezone="Europe/Berlin", lang="tr"), data) == "DE"
    assert suggested_country(person(), data) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Germany", "DE"),
        ("almanya", "DE"),
        ("Deutschland", "DE"),
        ("  türkiye ", "TR"),
        ("Turkey", "TR"),
        ("UK", "GB"),
        ("England", "GB"),
        ("U.S.A.", "US"),
        ("güney kore", "KR"),
        ("Atlantis", None),
    ],
)
def test_a_typed_country_is_found_by_any_of_its_names(typed, code):
    assert default_resources().find(typed) == code
