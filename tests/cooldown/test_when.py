from datetime import UTC, datetime, timedelta

from bot.cooldown.when import back_at

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_known_time_zone_gets_a_local_clock_time(content) -> None:
    at = NOW + timedelta(minutes=20)
    assert back_at(content, "en", "Europe/Istanbul", at, NOW) == "around 12:20"
    assert back_at(content, "tr", "Europe/Istanbul", at, NOW) == "saat 12:20 civarında"


def test_local_time_follows_daylight_saving(content) -> None:
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    assert back_at(content, "en", "Europe/Berlin", summer, NOW) == "around 11:00"
    assert back_at(content, "en", "Europe/Berlin", NOW, NOW) == "around 10:00"


def test_without_a_time_zone_the_time_is_relative(content) -> None:
    at = NOW + timedelta(minutes=30)
    assert back_at(content, "en", None, at, NOW) == "in about 30 minutes"
    assert back_at(content, "tr", None, at, NOW) == "yaklaşık 30 dakika sonra"


def test_an_unknown_time_zone_falls_back_to_relative(content) -> None:
    at = NOW + timedelta(minutes=14, seconds=10)
    assert back_at(content, "en", "Mars/Olympus", at, NOW) == "in about 15 minutes"
    assert back_at(content, "en", None, NOW + timedelta(seconds=30), NOW) == "in a minute or so"
