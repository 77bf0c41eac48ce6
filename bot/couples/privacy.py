"""/mydata (a JSON file of everything stored about you) and /forget (delete it all).

/forget asks first, and its confirmation button is only good for a few
minutes, so an old message tapped by accident cannot wipe anyone's data. The
partner learns only that the link ended — the same words as an /unlink.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.couples import export, linking
from bot.engine import callbacks
from bot.engine.outputs import KeyButton
from bot.storage import erasure
from bot.turn import Document, Turn

log = logging.getLogger(__name__)

FORGET = "fgt"
KEEP = "keep"
CONFIRM_FOR = timedelta(minutes=15)


class Privacy:
    async def mydata(self, turn: Turn) -> None:
        data = await export.collect(turn.session, turn.user.id)
        filename = f"attune-my-data-{turn.now:%Y-%m-%d}.json"
        content = export.to_json(data, turn.now)
        turn.attach(Document(filename, content, caption=turn.t("mydata_caption")))

    async def forget(self, turn: Turn) -> None:
        asked = int(turn.now.timestamp())
        keyboard = (
            (
                KeyButton(turn.t("forget_yes"), callbacks.encode(FORGET, asked)),
                KeyButton(turn.t("forget_no"), callbacks.encode(FORGET, KEEP)),
            ),
        )
        turn.say(turn.t("forget_confirm"), keyboard)

    async def forget_button(self, turn: Turn, args: tuple[str, ...]) -> None:
        if args == (KEEP,):
            turn.say(turn.t("forget_kept"), replace=True)
            return
        if len(args) != 1 or not args[0].isdigit():
            turn.notice("unknown_button")
            return
        age = turn.now.timestamp() - int(args[0])
        if not 0 <= age <= CONFIRM_FOR.total_seconds():
            turn.say(turn.t("forget_expired"), replace=True)
            return
        await self.erase(turn)

    async def erase(self, turn: Turn) -> None:
        """Unlink (telling the partner only that the link ended), then delete everything."""
        result = await linking.unlink(turn.session, turn.user.id)
        if result.ended and result.partner is not None:
            turn.partner = result.partner
            turn.to_partner("link_ended", about_the_link=True, partner=turn.user.name)
        turn.partner = None
        done = turn.t("forget_done")
        await export.erase(turn.session, turn.user.id)
        engine = turn.session.bind
        turn.afterwards.append(lambda: erasure.checkpoint(engine))
        log.info("user %s deleted everything stored about them", turn.user.id)
        turn.say(done, replace=True)
