"""/invite, joining by deep link, /unlink, and the name each person goes by.

Handlers only translate between turns and the domain modules (`invites`,
`linking`, `naming`); every message is an interface string.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.couples import invites, linking, naming
from bot.couples.invites import CodeStatus
from bot.couples.linking import JoinOutcome
from bot.couples.models import Invite
from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.plugins import Registry
from bot.storage import repo
from bot.storage.models import WaitingInput
from bot.turn import Turn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UseFirstName(Payload, prefix="nm|use"):
    """Go by the first name Telegram gave, instead of typing one."""


@dataclass(frozen=True)
class Unlink(Payload, prefix="unl"):
    """Yes, end the link with this couple (a button for an earlier couple is stale)."""

    couple: int


@dataclass(frozen=True)
class KeepLink(Payload, prefix="unl|keep"):
    """No, stay linked."""


class Linking:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        """Where the features that want to hear of a new link are listed."""

    # -- /invite ----------------------------------------------------------------------

    async def invite(self, turn: Turn) -> None:
        if turn.partner is not None:
            turn.say_key("invite_already_linked", partner=turn.partner.name)
            return
        if turn.user.display_name is None:
            await self.ask_name(turn, naming.INVITE)
            return
        code = await invites.create(turn.session, turn.user.id, turn.now)
        if turn.bot_username:
            link = invites.deep_link(turn.bot_username, code)
            turn.say_key("invite_link", link=link, code=code)
        else:
            turn.say_key("invite_code_only", code=code)

    # -- /start <code> ------------------------------------------------------------------

    async def start_payload(self, turn: Turn, code: str) -> bool:
        """Someone opened an invite link (or typed /start <code>).

        Anything that is not shaped like an invite code is some other deep link:
        it is left to the normal /start and never counted as a guess.
        """
        if not invites.well_formed(code):
            return False
        if turn.created:
            turn.say_key("start_intro", name=f", {turn.user.name}" if turn.user.first_name else "")
        if turn.partner is not None and await invites.from_user(
            turn.session, code, turn.partner.id
        ):
            turn.say_key("join_already_together")
            return True
        status, invite = await invites.check(turn.session, turn.user.id, code, turn.now)
        if status is not CodeStatus.OK or invite is None or invite.id is None:
            turn.say_key(f"join_{status.value}")
        elif turn.user.display_name is None:
            await self.ask_name(turn, naming.JOIN, invite)
        else:
            await self.join(turn, invite.id)
        return True

    async def join(self, turn: Turn, invite_id: int) -> None:
        joined = await linking.join(turn.session, turn.user.id, invite_id, turn.now)
        match joined.outcome:
            case JoinOutcome.LINKED:
                assert joined.inviter is not None
                turn.partner = joined.inviter
                log.info("users %s and %s linked", joined.inviter.id, turn.user.id)
                turn.say_key("linked_joiner", partner=joined.inviter.name)
                turn.to_partner("linked_inviter", about_the_link=True, partner=turn.user.name)
                for listener in self.registry.link_listeners:
                    await listener(turn)
            case JoinOutcome.ALREADY_LINKED:
                partner = joined.partner.name if joined.partner else "?"
                turn.say_key("join_already_linked", partner=partner)
            case _:
                turn.say_key(f"join_{joined.outcome.value}")

    # -- names ----------------------------------------------------------------------------

    async def ask_name(self, turn: Turn, purpose: str, invite: Invite | None = None) -> None:
        await naming.ask(turn, purpose, invite)
        keyboard: Keyboard = ()
        suggestion = naming.clean_name(turn.user.first_name)
        if suggestion:
            label = turn.t("name_use_first", name=suggestion)
            keyboard = ((KeyButton(label, UseFirstName().pack()),),)
        if purpose == naming.SETTINGS and turn.user.display_name:
            turn.say(turn.t("name_change_ask", name=turn.user.display_name), keyboard)
        else:
            turn.say(turn.t("name_ask"), keyboard)

    async def change_name(self, turn: Turn) -> None:
        """The name entry of /settings."""
        await self.ask_name(turn, naming.SETTINGS)

    async def name_typed(self, turn: Turn, text: str, question: WaitingInput) -> bool:
        """Free text is the name we asked for, while that question is open."""
        prompt = naming.NameQuestion.of(question)
        name = naming.clean_name(text)
        if name is None:
            turn.say_key("name_invalid")
            state, _ = await repo.load_state(turn.session, turn.user.id)
            if state.idle:
                return True  # asked again
            # Mid-conversation this is most likely an answer: close the name
            # question and let the text go on to the dialog.
            await naming.done(turn)
            return False
        await self.set_name(turn, prompt, name)
        return True

    async def name_button(self, turn: Turn, pressed: UseFirstName) -> None:
        prompt = await naming.pending(turn)
        name = naming.clean_name(turn.user.first_name)
        if prompt is None or name is None:
            turn.notice("name_no_prompt")
            return
        await self.set_name(turn, prompt, name)

    async def set_name(self, turn: Turn, prompt: naming.NameQuestion, name: str) -> None:
        purpose, invite_id = prompt.purpose, prompt.invite_id
        turn.user.display_name = name
        turn.session.add(turn.user)
        await naming.done(turn)
        turn.say_key("name_saved", name=name)
        if purpose == naming.INVITE:
            await self.invite(turn)
        elif purpose == naming.JOIN:
            invite = None if invite_id is None else await invites.get(turn.session, invite_id)
            if invite is None or not prompt.about(invite):
                turn.say_key("join_unknown")  # the inviter made a new link meanwhile
            else:
                await self.join(turn, invite_id)

    # -- /unlink ----------------------------------------------------------------------

    async def unlink(self, turn: Turn) -> None:
        if turn.partner is None or turn.user.couple_id is None:
            turn.say_key("unlink_not_linked")
            return
        keyboard = (
            (
                KeyButton(turn.t("unlink_yes"), Unlink(turn.user.couple_id).pack()),
                KeyButton(turn.t("unlink_no"), KeepLink().pack()),
            ),
        )
        turn.say(turn.t("unlink_confirm", partner=turn.partner.name), keyboard)

    async def keep_link(self, turn: Turn, pressed: KeepLink) -> None:
        turn.say(turn.t("unlink_kept"), replace=True)

    async def unlink_button(self, turn: Turn, pressed: Unlink) -> None:
        result = await linking.unlink(turn.session, turn.user.id, pressed.couple)
        if not result.ended:
            turn.say(turn.t("unlink_stale"), replace=True)
            return
        former = result.partner
        log.info("user %s unlinked", turn.user.id)
        turn.say(turn.t("link_ended", partner=former.name if former else "?"), replace=True)
        if former is not None:
            turn.partner = former
            turn.to_partner("link_ended", about_the_link=True, partner=turn.user.name)
        turn.partner = None
