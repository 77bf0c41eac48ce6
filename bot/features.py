"""Every feature of Attune, in the order the coach consults them.

A feature is a module with a `feature(context) -> Feature` factory (see
`bot.plugins`): to add one, write it and list its factory here. The order is
the order of /help and Telegram's command menu, of the text screens asking
"is this typed text mine?", and of the /topics menu's additions.
"""

from __future__ import annotations

from bot import conversations, language, settings_menu
from bot.cooldown import install as cooldown
from bot.couples import install as couples
from bot.followups import install as followups
from bot.lovemaps import install as lovemaps
from bot.nudges import install as nudges
from bot.path import install as path
from bot.plugins import FeatureFactory
from bot.safety import install as safety
from bot.table import install as table
from bot.together import flow as together

FEATURES: tuple[FeatureFactory, ...] = (
    conversations.feature,
    together.feature,
    couples.feature,
    safety.feature,
    language.feature,
    cooldown.feature,
    settings_menu.feature,
    nudges.feature,
    lovemaps.feature,
    path.feature,
    followups.feature,
    table.feature,
)
