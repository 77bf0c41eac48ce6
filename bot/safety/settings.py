"""/settings → Safety and privacy: quiet mode, the country for help lines, the lines."""

from __future__ import annotations

from bot.engine.outputs import KeyButton
from bot.safety import quiet
from bot.safety.care import COUNTRY, PRIVATE, Care, Safe
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
            (KeyButton(turn.t("safety_change_country"), Safe(COUNTRY, EVERYDAY).pack()),),
            (KeyButton(turn.t("safety_privacy_button"), Safe(PRIVATE, EVERYDAY).pack()),),
        )
        turn.say(turn.t("safety_settings_text", quiet=state, country=name), keyboard)
