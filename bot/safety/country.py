"""The country for help lines: asked in the safety answer and in /settings, never guessed.

A list of buttons (the country the time zone or language suggests first, then
the most common ones) and typing any country's name in English or Turkish, its
ISO code or a common alias. "Somewhere else" keeps the international lines.
The choice is stored on the person (`users.country`) and the lines for it are
shown at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot import waiting
from bot.engine.outputs import KeyButton
from bot.engine.payloads import Payload
from bot.safety.crisis import LETTERS, CrisisResources, suggested_country
from bot.storage.models import WaitingInput
from bot.turn import Turn

NONE = "none"
PER_ROW = 3
WAIT_FOR = timedelta(hours=2)
FEATURE = "safety"
"""How long a typed country is expected after the question."""

LinesText = Callable[..., str]


@dataclass(frozen=True)
class Country(Payload, prefix="sfc"):
    """A country chosen for help lines (`none` for another), and the need it was asked for."""

    code: str
    letter: str


class CountryQuestion:
    def __init__(self, resources: CrisisResources, lines_text: LinesText) -> None:
        self.resources = resources
        self.lines_text = lines_text

    @staticmethod
    def choose_data(code: str, letter: str) -> str:
        return Country(code, letter).pack()

    async def ask(self, turn: Turn, letter: str) -> None:
        """The question, with buttons, waiting for a typed name too."""
        await waiting.ask(turn, FEATURE, letter, expires_in=WAIT_FOR)
        codes = self.resources.menu()
        guess = suggested_country(turn.user, self.resources)
        if guess is not None:
            codes = [guess, *(c for c in codes if c != guess)]
        buttons = [
            KeyButton(self.resources.name(code, turn.lang), self.choose_data(code, letter))
            for code in codes
        ]
        buttons.append(KeyButton(turn.t("safety_country_other"), self.choose_data(NONE, letter)))
        rows = tuple(tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW))
        turn.say(turn.t("safety_country_question"), rows)

    async def button(self, turn: Turn, pressed: Country) -> None:
        code, letter = pressed.code, pressed.letter
        if letter not in LETTERS:
            turn.notice("unknown_button")
            return
        if code != NONE and code not in self.resources.countries:
            turn.notice("unknown_button")
            return
        await self.choose(turn, None if code == NONE else code, letter)

    async def typed(self, turn: Turn, text: str, question: WaitingInput) -> bool:
        """A country typed while the question waits (`question.key` says which lines to show)."""
        if question.key not in LETTERS:
            return False
        code = self.resources.find(text)
        if code is None:
            typed = " ".join(text.split())[:40]
            keyboard = (
                (KeyButton(turn.t("safety_country_other"), self.choose_data(NONE, question.key)),),
            )
            turn.say(turn.t("safety_country_unknown", typed=typed), keyboard)
            return True
        await self.choose(turn, code, question.key)
        return True

    async def choose(self, turn: Turn, code: str | None, letter: str) -> None:
        await waiting.done(turn, FEATURE)
        turn.user.country = code
        turn.session.add(turn.user)
        if code is None:
            intro = "safety_country_none"
            turn.say(self.lines_text(turn, intro, *LETTERS[letter]))
            return
        name = self.resources.name(code, turn.lang)
        turn.say(
            self.lines_text(
                turn, "safety_country_saved", *LETTERS[letter], header=False, country=name
            )
        )
