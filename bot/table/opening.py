"""How a partner opens a Talk Table: /talk in private and a /topics button, both with a
`startgroup` link (pick a group, and the group's `/start table` opens the table there).

A button's data that is an https address is shown as a link button by the Telegram
transport; the link is in the text of /talk as well.
"""

from __future__ import annotations

from bot.engine.outputs import Keyboard, KeyButton
from bot.plugins import TopicsPart
from bot.turn import Turn

START_GROUP = "table"


def link(username: str | None) -> str | None:
    return f"https://t.me/{username}?startgroup={START_GROUP}" if username else None


def _button(turn: Turn) -> Keyboard:
    url = link(turn.bot_username)
    return ((KeyButton(turn.t("table_open_button"), url),),) if url else ()


async def private_talk(turn: Turn) -> None:
    if turn.partner is None or turn.user.couple_id is None:
        turn.say_key("table_needs_partner")
        return
    url = link(turn.bot_username) or "t.me"
    turn.say(turn.t("table_open_intro", partner=turn.partner.name, link=url), _button(turn))


async def topics(turn: Turn) -> TopicsPart:
    """Linked people find "Open a Talk Table" under the conversations (where t.me links exist)."""
    if turn.partner is None or turn.user.quiet or turn.partner.quiet:
        return TopicsPart()
    return TopicsPart(below=_button(turn))
