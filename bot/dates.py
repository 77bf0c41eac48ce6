"""Dates as each language writes them (Babel's CLDR data), so "09.12" is never ambiguous.

Times stay on the 24-hour clock used everywhere in Attune's texts.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton


def day_and_date(local: datetime, lang: str) -> str:
    """Weekday, day and month name, e.g. "Tue, Mar 3" in English, "3 Mar Sal" in Turkish."""
    return format_skeleton("MMMEd", local, locale=lang)


def short_date(local: datetime, lang: str) -> str:
    """Day and month name, e.g. "Mar 3" or "3 Mar"."""
    return format_skeleton("MMMd", local, locale=lang)
