"""Dates in each person's language, never an ambiguous "09.12"."""

from __future__ import annotations

from datetime import datetime

from bot.dates import day_and_date, short_date


def test_dates_follow_each_languages_own_conventions() -> None:
    at = datetime(2026, 12, 9, 19, 30)
    assert day_and_date(at, "en") == "Wed, Dec 9"
    assert day_and_date(at, "tr") == "9 Ara Çar"
    assert short_date(at, "en") == "Dec 9" and short_date(at, "tr") == "9 Ara"
