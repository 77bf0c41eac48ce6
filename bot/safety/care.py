"""Safety first: the answer to a worrying message, /help_now and /about.

The screen runs before every other text handler. On a signal it holds the
message back (not stored as an answer; the dialog goes idle, and /topics can
resume it), pauses check-ins for a day, and answers with what fits the need:

- self-harm: a warm acknowledgement, crisis lines, "are you safe right now?";
- abuse or fear of a partner: domestic-violence lines, quiet mode turned on
  (nothing of theirs reaches the partner, see `quiet`), chat-privacy steps;
- a person who uses violence: a line for people who want to stop, and
  "is anyone in danger right now?".

Every answer has a next step for each reply, a way to lines for the person's
own country (asked, never guessed silently), and "That's not what I meant",
which puts back where they were, what was paused or turned on, and reads the
held message as if nothing had happened. Nothing of it reaches the partner,
and the log names the categories, never the words.

A maybe (`Reading.possible`: a reader above `bot.safety.screen.ASK_THRESHOLD` and
nothing sure) is asked about before it is answered: the message is held as for a
signal, the dialog left, and a short private question asks whether they are safe.
Nothing is paused or turned on for a maybe. "I'm safe, go on" is the not-meant path;
"No, I'm not safe" is everything a signal of that need gets (`confirm`). A Talk Table
stays open while the question is open: a maybe must not end the couple's talk in front
of the partner, and the held reflection does not move its floor; "No" ends it quietly
as a signal does. A message is given back where it was written: a reflection to its table
("Go on": the floor moves as if it had just been said), never to the private conversation,
where it would be taken for an answer; a table closed or moved on meanwhile (a sure signal
closes it) takes nothing, and the person is told so.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import delete

from bot.engine.outputs import Keyboard, KeyButton
from bot.engine.payloads import Payload
from bot.engine.state import DialogState
from bot.safety import quiet
from bot.safety.country import CountryQuestion
from bot.safety.crisis import LETTER, LETTERS, CrisisResources, suggested_country
from bot.safety.models import SafetyHold
from bot.safety.screen import ABUSE, SELF_HARM, Detector, Reading
from bot.storage import repo
from bot.table.ending import end_quietly
from bot.turn import Turn

log = logging.getLogger(__name__)

PAUSE_NUDGES_FOR = timedelta(days=1)
HOLD_FOR = timedelta(days=1)
LONG_TEXT = 4096
"""Longer texts (Telegram's own limit; only a webhook or the terminal sends more) are
screened on a worker thread: the screen is linear, but 100,000 characters still take
tens of milliseconds that other people's turns should not wait for. With the reader by
meaning (`bot.safety.meaning`) every text is: its encoder (e5, a C engine called through
ctypes, which lets the loop run) takes about 45 ms a sentence on one core, a second or more
for 4,096 characters of distinct sentences."""

OK, NOT_OK, PRIVATE, NOT_MEANT, COUNTRY = "ok", "no", "priv", "meant", "cty"
GO_ON, NOT_SAFE = "fine", "ns"
"""The answers to the question a maybe asks: "I'm safe, go on" and "No, I'm not safe"."""
MAYBE = "maybe:"
"""Before the need of a hold kept for a maybe (`SafetyHold.need`), so that "I'm safe, go on"
gives back only a message it was asked about, never one a later signal held."""


@dataclass(frozen=True)
class Safe(Payload, prefix="sfe"):
    """A button under a safety answer: what was chosen, for which need (a letter)."""

    action: str
    letter: str | None = None
    """Left off by the first buttons ("sfe|yes", "sfe|no"), which were about self-harm."""


def group_of(categories: frozenset[str]) -> str:
    """The answer a signal needs: self-harm first, then abuse, then someone who hurts."""
    if categories & set(SELF_HARM):
        return "self_harm"
    if categories & set(ABUSE):
        return "abuse"
    return "uses_violence"


class Care:
    def __init__(
        self,
        detector: Detector,
        resources: CrisisResources,
        country: CountryQuestion | None = None,
    ) -> None:
        """`detector` and `resources` are the declared data files (`bot.safety.data`), read
        from the configured data directory: no packaged copy is a silent fallback."""
        self.detector = detector
        self.resources = resources
        self.country = country or CountryQuestion(self.resources, self.lines_text)

    # -- the screen ---------------------------------------------------------------------

    async def screen(self, turn: Turn, text: str) -> bool:
        if len(text) > LONG_TEXT or self.detector.meaning is not None:
            reading = await asyncio.to_thread(self.detector.read, text)
        else:
            reading = self.detector.read(text)
        if reading.sure:
            await self.signal(turn, text, reading.sure)
            return True
        if reading.possible:
            await self.ask(turn, text, reading)
            return True
        return False

    async def signal(self, turn: Turn, text: str, categories: frozenset[str]) -> None:
        """A sure signal: hold, pause, quiet mode for abuse, the answer for the need."""
        group = group_of(categories)
        # Abuse told together with self-harm ("he beats me and I want to die") gets the
        # self-harm answer first, and everything abuse needs besides: quiet mode, the
        # domestic-violence lines, the privacy steps.
        abuse_too = bool(categories & set(ABUSE))
        await self.hold(turn, text, group)
        turned_quiet = self._protect(turn, abuse_too)
        # Logged once the turn is on the ORM path (holding needs it), so once per signal.
        log.warning(
            "safety signal (%s) from user %s: %s answer, scripted flow stopped, nudges paused",
            ", ".join(sorted(categories)),
            turn.user.id,
            group,
        )
        self.answer(turn, group, turned_quiet, abuse_too)
        await end_quietly(turn)  # a Talk Table closes for both, and the group is never told why

    async def ask(self, turn: Turn, text: str, reading: Reading) -> None:
        """A maybe: hold the message as for a signal, and ask privately before answering.

        Nothing is paused and quiet mode is not turned on: a maybe is not a disclosure
        until the person says so. A Talk Table is left open (see the module's docstring).
        The need travels in the buttons; self-harm with abuse as "x", so that "No" brings
        both answers, as a signal of both does."""
        group = group_of(reading.possible)
        abuse_too = group != "abuse" and bool(reading.possible & set(ABUSE))
        letter = "x" if group == "self_harm" and abuse_too else LETTER[group]
        await self.hold(turn, text, MAYBE + group)
        log.warning(
            "safety maybe (%s) from user %s: asked before answering, message held",
            ", ".join(sorted(reading.possible)),
            turn.user.id,
        )
        row = self._row(
            turn, [("safety_check_go_on", GO_ON), ("safety_check_not_safe", NOT_SAFE)], letter
        )
        turn.say(turn.t("safety_check_question"), (row,))

    async def confirm(self, turn: Turn, groups: tuple[str, ...]) -> None:
        """ "No, I'm not safe" to a maybe: everything a signal of that need gets.

        Answered whether or not the message is still held (a day later, or after /forget,
        the words are gone but the person still said they are not safe). The next step for
        "not safe" comes at once, since that is what they answered; no "That's not what I
        meant": they told us."""
        group = groups[0]
        abuse_too = "abuse" in groups
        await self._drop_hold(turn)
        turned_quiet = self._protect(turn, abuse_too)
        log.warning(
            "safety maybe confirmed (%s answer) by user %s: not safe, nudges paused",
            group,
            turn.user.id,
        )
        shown = (group, "abuse") if abuse_too and group != "abuse" else (group,)
        parts = [self.lines_text(turn, f"safety_{group}", *shown)]
        if turned_quiet:
            parts.append(turn.t("safety_quiet_turned_on"))
        emergency = self.resources.emergency(turn.user.country)
        parts.append(turn.t(self._next_step(group, safe=False), emergency=emergency))
        rows: list[tuple[KeyButton, ...]] = []
        if abuse_too:
            rows.append(self.privacy_row(turn))
        if turn.user.country is None:
            rows.append(self.country_row(turn, LETTER[group]))
        turn.say("\n\n".join(parts), tuple(rows))
        await end_quietly(turn)

    def _protect(self, turn: Turn, abuse_too: bool) -> bool:
        """What a disclosure changes at once, sure or confirmed: check-ins pause, and for
        abuse nothing more of theirs reaches the partner. Returns whether quiet mode was
        turned on now, which the answer then says."""
        self.pause_nudges(turn)
        turned_quiet = abuse_too and not turn.user.quiet
        if turned_quiet:
            quiet.turn_on(turn)
        return turned_quiet

    @staticmethod
    def _next_step(group: str, safe: bool) -> str:
        """The key of the next step after "safe" or "not safe" for this need."""
        if group == "uses_violence":
            return "safety_uses_violence_calm" if safe else "safety_uses_violence_danger"
        return f"safety_{group}_safe" if safe else f"safety_{group}_unsafe"

    async def hold(self, turn: Turn, text: str, group: str) -> None:
        """Keep the message and where the person was, then leave the dialog.

        The dialog's progress row still lets /topics resume it, and "That's not
        what I meant" puts everything back.
        """
        state, version = await repo.load_state(turn.session, turn.user.id)
        previous = await turn.session.get(SafetyHold, turn.user.id)
        if previous is not None:
            await turn.session.delete(previous)
            await turn.session.flush()
        turn.session.add(
            SafetyHold(
                user_id=turn.user.id,
                text=text,
                need=group,
                group_id=turn.group_id,
                dialog=state.dialog,
                node=state.node,
                awaiting_share=state.awaiting_share,
                paused_before=turn.user.nudges_paused_until,
                quiet_before=turn.user.quiet,
                created_at=turn.now,
            )
        )
        if not state.idle:
            await repo.save_state(turn.session, turn.user.id, DialogState(), version, turn.now)

    def pause_nudges(self, turn: Turn) -> None:
        until = turn.now + PAUSE_NUDGES_FOR
        current = turn.user.nudges_paused_until
        if current is None or current < until:
            turn.user.nudges_paused_until = until
            turn.session.add(turn.user)

    # -- the answer -----------------------------------------------------------------------

    def answer(self, turn: Turn, group: str, turned_quiet: bool, abuse_too: bool = False) -> None:
        letter = LETTER[group]
        groups = (group, "abuse") if abuse_too and group != "abuse" else (group,)
        parts = [self.lines_text(turn, f"safety_{group}", *groups)]
        if turned_quiet:
            parts.append(turn.t("safety_quiet_turned_on"))
        if group == "uses_violence":
            parts.append(turn.t("safety_ask_danger"))
            first = [("safety_danger_yes", NOT_OK), ("safety_danger_no", OK)]
        else:
            parts.append(turn.t("safety_ask_safe"))
            first = [("safety_safe_yes", OK), ("safety_safe_no", NOT_OK)]
        rows: list[tuple[KeyButton, ...]] = [self._row(turn, first, letter)]
        if "abuse" in groups:
            rows.append(self._row(turn, [("safety_privacy_button", PRIVATE)], letter))
        if turn.user.country is None:
            rows.append(self.country_row(turn, letter))
        rows.append(self._row(turn, [("safety_not_meant", NOT_MEANT)], letter))
        turn.say("\n\n".join(parts), tuple(rows))

    def country_row(self, turn: Turn, letter: str) -> tuple[KeyButton, ...]:
        """One tap to lines for the country the time zone suggests, and one to choose."""
        buttons = []
        guess = suggested_country(turn.user, self.resources)
        if guess is not None:
            name = self.resources.name(guess, turn.lang)
            label = turn.t("safety_country_suggested", country=name)
            buttons.append(KeyButton(label, self.country.choose_data(guess, letter)))
        buttons.append(KeyButton(turn.t("safety_my_country"), Safe(COUNTRY, letter).pack()))
        return tuple(buttons)

    def privacy_row(self, turn: Turn) -> tuple[KeyButton, ...]:
        return self._row(turn, [("safety_privacy_button", PRIVATE)], LETTER["abuse"])

    def _row(
        self, turn: Turn, buttons: list[tuple[str, str]], letter: str
    ) -> tuple[KeyButton, ...]:
        return tuple(KeyButton(turn.t(key), Safe(action, letter).pack()) for key, action in buttons)

    def lines_text(
        self, turn: Turn, intro_key: str, *groups: str, header: bool = True, **values: object
    ) -> str:
        """An introduction, then the lines for these needs in the person's chosen country."""
        lines = [turn.t(intro_key, **values), ""]
        country = turn.user.country
        if header and country in self.resources.countries:
            name = self.resources.name(country, turn.lang)
            lines.append(turn.t("safety_lines_for", country=name))
        shown: list[object] = []
        for group in groups:
            for resource in self.resources.lines(country, group):
                if resource in shown:
                    continue
                shown.append(resource)
                name = resource.name.get(turn.lang) or next(iter(resource.name.values()))
                lines.append(turn.t("resource_line", name=name, contact=resource.contact))
        if country not in self.resources.countries:
            lines += ["", turn.t("safety_lines_international")]
        return "\n".join(lines)

    # -- the buttons under the answer ---------------------------------------------------------

    async def safe_button(self, turn: Turn, pressed: Safe) -> None:
        action, letter = pressed.action, pressed.letter
        if letter is None and action in ("yes", "no"):  # sent before answers fitted the need
            action, letter = (OK if action == "yes" else NOT_OK), LETTER["self_harm"]
        if letter not in LETTERS:
            turn.notice("unknown_button")
            return
        group = LETTERS[letter][0]
        emergency = self.resources.emergency(turn.user.country)
        match action:
            case "ok":
                await self._drop_hold(turn)
                turn.say_key(self._next_step(group, safe=True))
            case "no":
                await self._drop_hold(turn)
                turn.say_key(self._next_step(group, safe=False), emergency=emergency)
            case "fine":
                await self.go_on(turn)
            case "ns":
                await self.confirm(turn, LETTERS[letter])
            case "priv":
                state = turn.t("quiet_state_on" if turn.user.quiet else "quiet_state_off")
                keyboard: Keyboard = () if turn.user.quiet else quiet.turn_on_keyboard(turn)
                turn.say(turn.t("safety_privacy_steps", state=state), keyboard)
            case "meant":
                await self.not_meant(turn)
            case "cty":
                await self.country.ask(turn, letter)
            case _:
                turn.notice("unknown_button")

    async def _drop_hold(self, turn: Turn) -> None:
        """The person answered the question: their message is not kept any longer."""
        await turn.session.exec(delete(SafetyHold).where(SafetyHold.user_id == turn.user.id))

    async def go_on(self, turn: Turn) -> None:
        """ "I'm safe, go on": the not-meant path, for a message held as a maybe only. Pressed
        under an older question after a signal held a newer message, it gives nothing back:
        that signal's answer has its own "That's not what I meant"."""
        hold = await turn.session.get(SafetyHold, turn.user.id)
        if hold is not None and not hold.need.startswith(MAYBE):
            turn.say_key("safety_nothing_held")
            return
        await self.not_meant(turn, "safety_check_go_on_reply")

    async def not_meant(self, turn: Turn, reply: str = "safety_not_meant_reply") -> None:
        """A false alarm: put back the dialog, the pause and quiet mode, and read the message.

        Also "I'm safe, go on" to a maybe's question (with its own `reply`): nothing was
        paused or turned on then, so the pause and quiet mode put back are what they were."""
        hold = await turn.session.get(SafetyHold, turn.user.id)
        if hold is None or turn.now - hold.created_at > HOLD_FOR:
            if hold is not None:
                await turn.session.delete(hold)
            turn.say_key("safety_nothing_held")
            return
        text = hold.text
        state, version = await repo.load_state(turn.session, turn.user.id)
        if state.idle and hold.dialog is not None:
            back = DialogState(hold.dialog, hold.node, hold.awaiting_share)
            await repo.save_state(turn.session, turn.user.id, back, version, turn.now)
        turn.user.nudges_paused_until = hold.paused_before
        turn.user.quiet = hold.quiet_before
        turn.session.add(turn.user)
        await turn.session.delete(hold)
        await turn.session.flush()
        log.info("user %s: a safety signal was a misreading; message given back", turn.user.id)
        if hold.group_id is None:
            turn.say_key(reply)
            await turn.read_text(text)
        elif await turn.read_in_group(hold.group_id, text):
            turn.say_key(reply)
        else:  # the table closed (a signal closes it) or moved on meanwhile
            turn.say_key("safety_given_back_table_gone")

    # -- commands -------------------------------------------------------------------------------

    async def help_now(self, turn: Turn) -> None:
        text = self.lines_text(turn, "help_now_intro", "self_harm", "abuse")
        keyboard: Keyboard = ()
        if turn.user.country is None:
            keyboard = (self.country_row(turn, "x"),)
        turn.say(text, keyboard)

    async def about(self, turn: Turn) -> None:
        turn.say_key("about_text")
