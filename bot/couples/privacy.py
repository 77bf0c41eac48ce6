"""/mydata (a JSON file of everything stored about you) and /forget (delete it all).

/forget asks first, and its confirmation button is only good for a few
minutes, so an old message tapped by accident cannot wipe anyone's data. The
partner learns only that the link ended — the same words as an /unlink.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.couples import export, linking
from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.storage import erasure
from bot.turn import Document, Turn

log = logging.getLogger(__name__)

CONFIRM_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Forget(Payload, prefix="fgt"):
    """Yes, delete everything; `asked` (a Unix time) makes the button expire."""

    asked: int


@dataclass(frozen=True)
class KeepData(Payload, prefix="fgt|keep"):
    """No, keep it."""


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
                KeyButton(turn.t("forget_yes"), Forget(asked).pack()),
                KeyButton(turn.t("forget_no"), KeepData().pack()),
            ),
        )
        turn.say(turn.t("forget_confirm"), keyboard)

    async def keep(self, turn: Turn, pressed: KeepData) -> None:
        turn.say(turn.t("forget_kept"), replace=True)

    async def forget_button(self, turn: Turn, pressed: Forget) -> None:
        age = turn.now.timestamp() - pressed.asked
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
