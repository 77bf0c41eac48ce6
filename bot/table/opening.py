"""/talk in a private chat: how to open a Talk Table, with a `startgroup` link.

The button's data is the link itself: the Telegram transport shows it as a link
button (`bot.telegram.delivery.LINK_BUTTON`); the link is in the text as well.
"""

from __future__ import annotations

from bot.engine.outputs import Keyboard, KeyButton
from bot.turn import Turn

START_GROUP = "table"
"""The `startgroup` payload; the group's `/start table` then opens the table."""


def link(username: str | None) -> str | None:
    return f"https://t.me/{username}?startgroup={START_GROUP}" if username else None


async def private_talk(turn: Turn) -> None:
    if turn.partner is None or turn.user.couple_id is None:
        turn.say_key("table_needs_partner")
        return
    url = link(turn.coach.bot_username)
    keyboard: Keyboard = ((KeyButton(turn.t("table_open_button"), url),),) if url else ()
    turn.say(turn.t("table_open_intro", partner=turn.partner.name, link=url or "t.me"), keyboard)
