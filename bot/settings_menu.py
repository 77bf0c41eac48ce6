"""/settings: one menu, one entry per feature.

Features declare `SettingsSection`s (e.g. check-in times, the name the bot
uses); this module only lists them and opens the one chosen, so features
never edit each other's code to appear here.
"""

from __future__ import annotations

from bot.engine import callbacks
from bot.engine.outputs import KeyButton
from bot.plugins import Command, Feature, FeatureContext, Registry
from bot.turn import Turn

KIND = "set"
MENU = "menu"
BACK = callbacks.encode(KIND, MENU)
"""A section's "Back" button: the /settings menu again, in place."""


def feature(context: FeatureContext) -> Feature:
    registry = context.registry

    async def show(turn: Turn) -> None:
        await settings_menu(registry, turn)

    async def open_section(turn: Turn, args: tuple[str, ...]) -> None:
        if args == (MENU,):
            await settings_menu(registry, turn, replace=True)
            return
        section = next((s for s in registry.settings_sections if args and s.key == args[0]), None)
        if section is None:
            turn.notice("unknown_button")
            return
        await section.open(turn)

    return Feature("settings", commands={"settings": Command(show)}, buttons={KIND: open_section})


async def settings_menu(registry: Registry, turn: Turn, *, replace: bool = False) -> None:
    sections = sorted(registry.settings_sections, key=lambda s: (s.order, s.key))
    if not sections:
        turn.say_key("settings_empty")
        return
    keyboard = tuple(
        (KeyButton(turn.t(s.label_key), callbacks.encode(KIND, s.key)),) for s in sections
    )
    turn.say(turn.t("settings_title"), keyboard, replace=replace)
