"""Settings: sensible defaults, and one clear line naming any wrong value."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings

TOKEN = "123456:AAbbCCddEEffGGhhIIjjKKllMMnn"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "DATABASE_URL",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "DEFAULT_TIMEZONE",
        "LOG_LEVEL",
        "TELEGRAM_API_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_work_without_any_configuration() -> None:
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.database_url == "sqlite+aiosqlite:///data/attune.db"
    assert settings.telegram_api_base_url == "https://api.telegram.org"


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Europe/Istanbul")
    settings = load_settings()
    assert settings.token == TOKEN
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081"
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "Invalid setting TELEGRAM_BOT_TOKEN"),
        ("DATABASE_URL", "mysql://x", "Invalid setting DATABASE_URL"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "Invalid setting DEFAULT_TIMEZONE"),
        ("LOG_LEVEL", "LOUD", "Invalid setting LOG_LEVEL"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "Invalid setting TELEGRAM_API_BASE_URL"),
        ("WEBHOOK_URL", "https://example.org/hook", "WEBHOOK_SECRET is required"),
    ],
)
def test_a_wrong_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_bad_token_is_not_echoed_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "secret-ish value")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "secret-ish" not in str(caught.value)


@pytest.mark.parametrize(
    "value",
    ["https://api.telegram.org/bot", "https://api.telegram.org/bot/", "https://api.telegram.org"],
)
def test_a_base_url_ending_in_bot_means_the_server(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """Telegram's docs write `https://api.telegram.org/bot<token>`; people copy the `/bot`."""
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", value)
    assert load_settings().telegram_api_base_url == "https://api.telegram.org"


def test_the_database_password_is_one_of_the_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://attune:s3cr%40t@db/attune")
    assert set(load_settings().secrets) == {TOKEN, "s3cr@t"}
