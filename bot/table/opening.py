"""/talk in a private chat: how to open a Talk Table, with a `startgroup` link."""

from __future__ import annotations

from bot.engine.outputs import Keyboard
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
    keyboard: Keyboard = ()
    turn.say(turn.t("table_open_intro", partner=turn.partner.name, link=url or "t.me"), keyboard)
