"""The couples feature: inviting and linking, the name the bot uses, /mydata and /forget."""

from __future__ import annotations

from sqlalchemy import exists

from bot.couples.handlers import KeepLink, Linking, Unlink, UseFirstName
from bot.couples.models import NamePrompt
from bot.couples.privacy import Forget, KeepData, Privacy
from bot.plugins import PERSON_ID, Command, Feature, FeatureContext, Screen, SettingsSection


def feature(context: FeatureContext) -> Feature:
    linking, privacy = Linking(context.registry), Privacy()
    asked_name = exists().where(NamePrompt.__table__.c.user_id == PERSON_ID)
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
        screens=(Screen(linking.name_screen, pending=asked_name),),
        settings_sections=(SettingsSection("name", "name_setting", linking.change_name),),
    )
