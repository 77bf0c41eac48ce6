"""How to say when someone will be back: a clock time in the reader's own time
zone when we know it, otherwise "in about N minutes"."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine.content import Content


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def back_at(
    content: Content,
    lang: str,
    tz_name: str | None,
    at: datetime,
    now: datetime,
    *,
    label: bool = False,
) -> str:
    """ "around 14:30" in the reader's time zone, or "in about 20 minutes".

    `label` names the zone ("around 05:00 New York time") for a text someone
    else reads first, such as the preview of a notice shown to its sender.
    """
    tz = zone(tz_name)
    if tz is not None:
        time = at.astimezone(tz).strftime("%H:%M")
        if label and tz_name:
            place = tz_name.rsplit("/", 1)[-1].replace("_", " ")
            return content.t("cooldown_when_at_zone", lang, time=time, zone=place)
        return content.t("cooldown_when_at", lang, time=time)
    minutes = math.ceil((at - now).total_seconds() / 60)
    if minutes <= 1:
        return content.t("cooldown_when_soon", lang)
    return content.t("cooldown_when_in", lang, minutes=minutes)
