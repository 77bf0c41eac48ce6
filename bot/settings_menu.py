"""/settings: one menu, one entry per feature.

Features add a `SettingsSection` to `coach.settings_sections` (e.g. check-in
times, the name the bot uses); this module only lists them and opens the one
chosen, so features never edit each other's code to appear here.
"""

from __future__ import annotations

from bot.coach import Coach
from bot.engine import callbacks
from bot.engine.outputs import KeyButton
from bot.turn import Turn

KIND = "set"
MENU = "menu"
BACK = callbacks.encode(KIND, MENU)
"""A section's "Back" button: the /settings menu again, in place."""


def install(coach: Coach) -> None:
    async def show(turn: Turn) -> None:
        await settings_menu(coach, turn)

    async def open_section(turn: Turn, args: tuple[str, ...]) -> None:
        if args == (MENU,):
            await settings_menu(coach, turn, replace=True)
            return
        section = next((s for s in coach.settings_sections if args and s.key == args[0]), None)
        if section is None:
            turn.notice("unknown_button")
            return
        await section.open(turn)

    coach.command("settings")(show)
    coach.button(KIND)(open_section)


async def settings_menu(coach: Coach, turn: Turn, *, replace: bool = False) -> None:
    sections = sorted(coach.settings_sections, key=lambda s: (s.order, s.key))
    if not sections:
        turn.say_key("settings_empty")
        return
    keyboard = tuple(
        (KeyButton(turn.t(s.label_key), callbacks.encode(KIND, s.key)),) for s in sections
    )
    turn.say(turn.t("settings_title"), keyboard, replace=replace)
