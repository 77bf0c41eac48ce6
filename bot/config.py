"""All configuration, from the environment and `.env`, validated once at start-up.

A wrong value stops the bot with one line naming the setting; secrets are
`SecretStr` so they never show up in a repr, a log line or a traceback.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DRIVERS = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/attune.db"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    default_timezone: str = "UTC"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    dialogs_dir: Path = PROJECT_ROOT / "dialogs"
    data_dir: Path = PROJECT_ROOT / "data"
    telegram_messages_per_second: float = Field(default=25, gt=0, le=1000)
    """Overall sending pace, evenly spaced (burst of 2) and never more in any one second:
    a margin under Telegram's 30 for requests that arrive a little late or together."""
    telegram_chat_messages_per_second: float = Field(default=1.0, ge=0, le=1000)
    """Pace in one chat (0: not paced per chat); a person's own action gives ~3 s of it back."""
    telegram_chat_burst: int = Field(default=5, ge=1, le=100)
    """Messages one chat may get at once before its pace applies."""
    telegram_group_messages_per_minute: int = Field(default=20, ge=0, le=10_000)
    """Messages and edits in any minute in one group chat (0: no minute window)."""
    telegram_send_concurrency: int = Field(default=8, ge=1, le=64)
    """How many chats a background job sends to at once (each chat stays in order)."""
    nudge_sweep_seconds: float = Field(default=30, gt=0)
    """How often the nudge sweep looks for due check-ins."""
    nudge_grace_minutes: int = Field(default=120, ge=0)
    """A check-in missed (downtime) by less than this is still sent once; older ones are skipped."""
    nudge_batch_size: int = Field(default=300, ge=1)
    """Check-ins claimed per sweep; the rest wait for the next sweep (never a burst)."""
    nudge_lease_seconds: float = Field(default=300, gt=0)
    """A claimed check-in not sent within this time (its process died) is claimed again."""
    local_dir: Path = PROJECT_ROOT / "local"
    """Files the terminal chat writes for the person at the keyboard: its log, /mydata exports."""
    startup_retry_seconds: float = Field(default=60, ge=0)
    """How long start-up waits for an unreachable database or Telegram before giving up."""
    shutdown_grace_seconds: float = Field(default=5, ge=0)
    """At SIGTERM, how long sends already under way may take to finish (`bot.delivery.gate`);
    those not yet started wait, claimed, for the next process."""
    health_file: Path | None = None
    """When set, the running bot touches this file while alive (`python -m bot health` reads it)."""
    clock_offset_file: Path | None = None
    """Rehearsals only: the clock runs as many seconds ahead as this file says (bot/clock.py)."""

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (digits:letters)")
        return value

    @field_validator("telegram_api_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s):// URL")
        return value.rstrip("/")

    @field_validator("telegram_api_base_url")
    @classmethod
    def _without_bot_suffix(cls, value: str | None) -> str | None:
        """`https://api.telegram.org/bot` (as in Telegram's docs) means the server itself."""
        return value.removesuffix("/bot") if value else value

    @field_validator("database_url")
    @classmethod
    def _database_driver(cls, value: str) -> str:
        if not value.startswith(DRIVERS):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        if self.webhook_secret and not SECRET_PATTERN.match(self.webhook_secret.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and - (1-256 chars)")
        return self

    @property
    def token(self) -> str:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""

    @cached_property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log line."""
        found = (self.telegram_bot_token, self.webhook_secret)
        database_password = make_url(self.database_url).password
        return tuple(s.get_secret_value() for s in found if s is not None) + tuple(
            [str(database_password)] if database_password else []
        )


class SettingsError(Exception):
    """A configuration problem, phrased as one line for the person starting the bot."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "_".join(str(p) for p in err["loc"]).upper() or "settings"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {name}: {message}") from None
