"""/settings → Safety and privacy: quiet mode, the country for help lines, the lines."""

from __future__ import annotations

from bot.engine import callbacks
from bot.engine.outputs import KeyButton
from bot.safety import quiet
from bot.safety.care import COUNTRY, SAFE, Care
from bot.turn import Turn

EVERYDAY = "x"


class SafetySettings:
    def __init__(self, care: Care) -> None:
        self.care = care

    async def open(self, turn: Turn) -> None:
        resources = self.care.resources
        country = turn.user.country
        name = (
            resources.name(country, turn.lang)
            if country in resources.countries
            else turn.t("safety_country_unset")
        )
        state = turn.t("quiet_state_on" if turn.user.quiet else "quiet_state_off")
        keyboard = (
            quiet.toggle_keyboard(turn),
            (
                KeyButton(
                    turn.t("safety_change_country"), callbacks.encode(SAFE, COUNTRY, EVERYDAY)
                ),
            ),
            (KeyButton(turn.t("safety_privacy_button"), callbacks.encode(SAFE, "priv", EVERYDAY)),),
        )
        turn.say(turn.t("safety_settings_text", quiet=state, country=name), keyboard)
