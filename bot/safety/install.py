"""The safety feature: the screen before everything, its buttons, commands and settings."""

from __future__ import annotations

from bot.plugins import Command, Feature, FeatureContext, SettingsSection, reads
from bot.safety import quiet
from bot.safety.care import Care, Safe
from bot.safety.country import Country
from bot.safety.data import LINES, SIGNALS
from bot.safety.link_question import LinkAnswer, LinkQuestion
from bot.safety.settings import SafetySettings


@reads(SIGNALS, LINES)
def feature(context: FeatureContext) -> Feature:
    care = Care(context.data(SIGNALS), context.data(LINES))
    settings = SafetySettings(care)
    question = LinkQuestion(care, context.registry)
    return Feature(
        "safety",
        commands={"help_now": Command(care.help_now), "about": Command(care.about)},
        buttons={
            Safe: care.safe_button,
            Country: care.country.button,
            quiet.Quiet: quiet.quiet_button,
            LinkAnswer: question.answer,
        },
        safety_screens=(care.screen,),  # before every feature's text, captions and edits too
        link_listeners=(question.linked,),
        typed=care.country.typed,
        settings_sections=(SettingsSection("safety", "safety_setting", settings.open, order=90),),
    )
