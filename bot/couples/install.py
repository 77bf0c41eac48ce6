"""The couples feature: inviting and linking, the name the bot uses, /mydata and /forget."""

from __future__ import annotations

from bot.couples.handlers import KeepLink, Linking, Unlink, UseFirstName
from bot.couples.privacy import Forget, KeepData, Privacy
from bot.plugins import Command, Feature, FeatureContext, SettingsSection


def feature(context: FeatureContext) -> Feature:
    linking, privacy = Linking(context.registry), Privacy()
    return Feature(
        "couples",
        commands={
            "invite": Command(linking.invite),
            "unlink": Command(linking.unlink),
            "mydata": Command(privacy.mydata),
            "forget": Command(privacy.forget),
        },
        buttons={
            UseFirstName: linking.name_button,
            Unlink: linking.unlink_button,
            KeepLink: linking.keep_link,
            Forget: privacy.forget_button,
            KeepData: privacy.keep,
        },
        start_payload=linking.start_payload,
        typed=linking.name_typed,
        settings_sections=(SettingsSection("name", "name_setting", linking.change_name),),
    )
