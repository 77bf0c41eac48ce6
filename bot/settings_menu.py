"""/settings: one menu where each feature adds its own row of buttons.

Features register a row with `coach.settings_rows.append(row)`; the row gets
the turn (so it can show the current value) and returns buttons whose
callbacks the feature handles itself. The menu knows nothing about them.
"""

from __future__ import annotations

from bot.coach import Coach
from bot.engine.outputs import Keyboard
from bot.turn import Turn


def install(coach: Coach) -> None:
    async def show(turn: Turn) -> None:
        rows: Keyboard = ()
        for row in coach.settings_rows:
            rows += await row(turn)
        turn.say(turn.t("settings_title"), rows)

    coach.command("settings")(show)
