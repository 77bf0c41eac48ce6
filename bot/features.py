"""Every feature that plugs into the coach, in the order they are installed.

To add a feature: write a module with `install(coach)` and list it here.
"""

from __future__ import annotations

from collections.abc import Callable

from bot import conversations, language, settings_menu
from bot.coach import Coach
from bot.cooldown import install as cooldown
from bot.couples import install as couples
from bot.followups import install as followups
from bot.lovemaps import install as lovemaps
from bot.nudges import install as nudges
from bot.path import install as path
from bot.safety import install as safety
from bot.table import install as table
from bot.together import flow as together

INSTALLERS: list[Callable[[Coach], None]] = [
    conversations.install,
    together.install,
    couples.install,
    safety.install,
    language.install,
    cooldown.install,
    settings_menu.install,
    nudges.install,
    lovemaps.install,
    path.install,
    followups.install,
    table.install,
]


def install_all(coach: Coach) -> Coach:
    for install in INSTALLERS:
        install(coach)
    return coach
