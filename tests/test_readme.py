"""The README as a new operator reads it (issue 15, item 21): trying it first, then the
terminal chat, then deploying; internals further down."""

from __future__ import annotations

import re

from bot.config import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    """Each second-level section's title and text, in order."""
    parts = re.split(r"^## (.+)$", README, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_trying_it_comes_first_then_the_terminal_then_deploying_then_internals() -> None:
    titles = list(sections())
    assert titles[:3] == [
        "Try it on Telegram",
        "Try it in the terminal (no token needed)",
        "Deploying",
    ]
    assert titles.index("Developing") > titles.index("Deploying")


def test_trying_it_on_telegram_is_step_by_step() -> None:
    text = sections()["Try it on Telegram"]
    steps = [text.index(word) for word in ("BotFather", ".env", "make run", "/invite")]
    assert steps == sorted(steps), "BotFather, then .env, then make run, then a partner"
    assert re.search(r"first one after at least\s+20 hours", text)


def test_the_terminal_basics_say_who_you_are_switching_joining_and_resetting() -> None:
    text = sections()["Try it in the terminal (no token needed)"]
    for needed in ("you start as Alex", "/as Sam", "/start CODE", "/forget", "attune.log"):
        assert needed in text, needed


def test_deploying_covers_compose_webhook_postgresql_backups_and_upgrades() -> None:
    text = sections()["Deploying"]
    for needed in ("Docker Compose", "Webhook", "PostgreSQL", "### Backups", "### Upgrades"):
        assert needed in text, needed


def test_make_test_says_it_installs_postgresql_with_apt() -> None:
    assert "installs PostgreSQL with `apt-get`" in sections()["Developing"]
