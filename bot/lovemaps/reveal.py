"""The words of a reveal: both answers, both guesses, and a warm line either way.

A guess at a one-tap question is right when it picked the same choice; a
guess in words is right when it says the same thing (ignoring case, spaces
and punctuation). Nobody is scored: the warm line only changes its tone.
"""

from __future__ import annotations

import re

from bot.engine.content import Content
from bot.library.entries import Entry
from bot.lovemaps.models import LoveMapAnswer


def text(
    content: Content,
    lang: str,
    question: Entry,
    mine: LoveMapAnswer,
    theirs: LoveMapAnswer,
    partner: str,
) -> str:
    """The reveal as `mine`'s author sees it, in `lang`."""
    right = sum(
        same(question, a, b) for a, b in ((mine.own, theirs.guess), (theirs.own, mine.guess))
    )
    kind = "choice" if question.choices else "words"
    return content.t(
        "lovemaps_reveal",
        lang,
        question=question.text[lang],
        mine=shown(question, lang, mine.own),
        their_guess=shown(question, lang, theirs.guess),
        partner=partner,
        theirs=shown(question, lang, theirs.own),
        my_guess=shown(question, lang, mine.guess),
        warm=content.t(f"lovemaps_warm_{kind}_{right}", lang, partner=partner),
    )


def shown(question: Entry, lang: str, value: str | None) -> str:
    """A stored answer as the viewer reads it: a choice in their language, or the words."""
    if value is None:
        return "…"
    if question.choices and value.isdigit() and int(value) < len(question.choices[lang]):
        return question.choices[lang][int(value)]
    return value


def same(question: Entry, answer: str | None, guess: str | None) -> bool:
    if answer is None or guess is None:
        return False
    if question.choices:
        return answer == guess
    return _plain(answer) == _plain(guess)


def _plain(words: str) -> str:
    return re.sub(r"[\W_]+", " ", words.casefold()).strip()
