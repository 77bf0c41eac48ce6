"""Spot "you always / you never" and suggest a calmer wording (English and Turkish).

Sweeping words about a partner ("you never listen") are heard as a verdict on
who they are, so the partner defends instead of listening; one concrete moment
invites them in. This module is pure text work, with no interface strings: it
finds the generalisations and proposes the same complaint without them, and
the cooldown flow presents the proposal. It is a heuristic, and the person
always sees it and decides: "use this", "keep mine", or type it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = re.compile(r"[.!?\n;]")
CLAUSE_END = re.compile(r"[.!?\n;,]")
TRAILING = " \t\r\n.,;:!?…\"'“”«»"


@dataclass(frozen=True)
class Generalisation:
    """One sweeping phrase, as written, with its place in the text."""

    phrase: str
    start: int
    end: int


# -- English --------------------------------------------------------------------

_EN_ABSOLUTE = r"(?:always|never|constantly|forever|continually)"
_EN_SPOT = re.compile(
    rf"\byou(?:'re|’re|\s+are)?\s+(?:just\s+)?{_EN_ABSOLUTE}(?:\s+ever)?\b"
    r"|\byou\s+(?:don't|don’t|do\s+not|won't|won’t|can't|can’t|didn't|didn’t)\s+ever\b"
    r"|\bevery\s+(?:single\s+)?time\s+you\b",
    re.IGNORECASE,
)
_EN_NEVER_VERB = re.compile(r"\byou\s+never(?:\s+ever)?\s+([A-Za-z’']+)", re.IGNORECASE)
_EN_REPLACEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bevery\s+(?:single\s+)?time\s+you\b", re.I), "you"),
    (re.compile(r"\byou(?:'re|’re|\s+are)\s+(?:just\s+)?never(?:\s+ever)?\b", re.I), "you aren't"),
    (re.compile(rf"\byou(?:'re|’re|\s+are)\s+(?:just\s+)?{_EN_ABSOLUTE}\b", re.I), "you're"),
    (
        re.compile(
            r"\byou\s+(don't|don’t|do\s+not|won't|won’t|can't|can’t|didn't|didn’t)\s+ever\b", re.I
        ),
        r"you \1",
    ),
    (re.compile(r"\byou\s+(?:just\s+)?(?:always|constantly|forever|continually)\b", re.I), "you"),
    (re.compile(r"\byou\s+never(?:\s+ever)?\b", re.I), "you don't"),
)
_IRREGULAR_PAST = {
    "did": "do",
    "made": "make",
    "said": "say",
    "told": "tell",
    "gave": "give",
    "took": "take",
    "came": "come",
    "went": "go",
    "got": "get",
    "thought": "think",
    "paid": "pay",
    "spent": "spend",
    "heard": "hear",
    "felt": "feel",
    "saw": "see",
    "knew": "know",
    "kept": "keep",
    "left": "leave",
    "brought": "bring",
    "bought": "buy",
    "let": "let",
    "put": "put",
    "forgot": "forget",
    "meant": "mean",
    "stood": "stand",
    "understood": "understand",
    "sent": "send",
    "wrote": "write",
    "ate": "eat",
    "sat": "sit",
    "showed": "show",
    "phoned": "phone",
    "used": "use",
}
_PRESENT_HELPERS = {"do", "does", "have", "has"}
_E_ENDINGS = ("c", "v", "z", "u", "at", "ar", "ot", "ok", "ik", "il", "ag", "ud", "ng", "ir", "os")
_NO_E = ("en", "er", "on", "it", "ow", "ea", "oo", "ai", "ee", "ain", "ean", "ook")


def _base_form(word: str) -> str | None:
    """The plain verb of a past-tense word ("helped" -> "help"), when it is one."""
    lower = word.lower()
    if lower in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[lower]
    if not lower.endswith("ed") or len(lower) < 5:
        return None
    if lower.endswith("ied"):
        return lower[:-3] + "y"
    stem = lower[:-2]
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    if stem.endswith(_E_ENDINGS) and not stem.endswith(_NO_E):
        return stem + "e"
    return stem


def _en_never(match: re.Match[str]) -> str:
    verb = match.group(1)
    base = _base_form(verb)
    if base is not None and verb.lower() not in _PRESENT_HELPERS:
        return f"you didn't {base}"
    return f"you don't {verb}"


def _en_rewrite(segment: str) -> str:
    text = _EN_NEVER_VERB.sub(_en_never, segment)
    for pattern, replacement in _EN_REPLACEMENTS:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    return text[:1].lower() + text[1:] if text[:2].lower() != "i " else text


# -- Turkish --------------------------------------------------------------------

_TR_ABSOLUTE = r"hiç\s*bir\s+zaman|her\s+zaman|her\s+seferinde|hep|asla|sürekli|daima|devamlı|hiç"
_TR_SPOT = re.compile(rf"(?<!\w)(?:{_TR_ABSOLUTE})(?!\w)", re.IGNORECASE)
_TR_YOU = re.compile(
    r"(?<!\w)(?:sen|sana|seni|senin|sende|senden|siz|size|sizi)(?!\w)"
    r"|\w{2,}(?:s[ıiuü]n|[dt][ıiuü]n)(?:[ıiuü]z)?(?!\w)",
    re.IGNORECASE,
)
_TR_PRONOUN = re.compile(r"(?<!\w)(?:sen|siz)(?!\w)\s*", re.IGNORECASE)
_TR_NOT_ABSOLUTE = re.compile(r"(?<!\w)hiç\s+(?:değilse|olmazsa|mi|mı|yoksa)(?!\w)", re.I)


def _tr_lower(text: str) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower()


def _tr_rewrite(segment: str) -> str:
    text = _TR_SPOT.sub("", segment)
    text = _TR_PRONOUN.sub("", text)
    text = " ".join(text.split())
    return f"bazen {_tr_lower(text[:1])}{text[1:]}"


# -- public --------------------------------------------------------------------


def as_clause(text: str, lang: str) -> str:
    """Typed words ready to sit inside a sentence: no end punctuation, no capital
    first letter ("The dishes." -> "the dishes"), but "I" and "ABC" stay."""
    text = " ".join(text.split()).strip(TRAILING) or text.strip()
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:].islower() and first not in ("I'm", "I’m", "I've", "I'd"):
        head = _tr_lower(text[0]) if lang == "tr" else text[0].lower()
        return head + text[1:]
    return text


_EN_MOMENT_OPENERS = re.compile(r"^(?:when|the times|the time when|whenever)\s+", re.I)
_EN_FEELING_OPENERS = re.compile(r"^(?:i\s+(?:feel|felt|am|was)|i'm|i’m|im|feeling)\s+", re.I)
_EN_WISH_OPENERS = re.compile(
    r"^(?:(?:maybe|perhaps)\s+)?(?:could we|can we|we could|we can|we should|i need|i want|"
    r"i would like|i'd like|i’d like|to)\s+",
    re.I,
)
_TR_FEELING_ENDS = re.compile(r"\s*(?:hissediyorum|hissettim|hissetim)$", re.I)
_TR_WISH_ENDS = re.compile(r"\s*(?:deneyebilir miyiz|yapabilir miyiz|istiyorum|isterim)$", re.I)


def sentence_case(text: str, lang: str) -> str:
    """A capital first letter (Turkish "i" becomes "İ")."""
    if not text:
        return text
    first = "İ" if lang == "tr" and text[0] == "i" else text[0].upper()
    return first + text[1:]


def as_moment(text: str, lang: str) -> str:
    """The situation ready for "When …": "when the dishes…" loses its own "when"."""
    text = as_clause(text, lang)
    return _EN_MOMENT_OPENERS.sub("", text) if lang != "tr" else text


def as_feeling(text: str, lang: str) -> str:
    """A feeling ready for "I felt …": "I feel overwhelmed" is just "overwhelmed"."""
    text = as_clause(text, lang)
    if lang == "tr":
        return _TR_FEELING_ENDS.sub("", text.removeprefix("kendimi ").removeprefix("Kendimi "))
    return _EN_FEELING_OPENERS.sub("", text)


def as_wish(text: str, lang: str) -> str:
    """A wish ready for "Could we …?": "Could we talk tonight?" is "talk tonight"."""
    text = as_clause(text, lang)
    if lang == "tr":
        return _TR_WISH_ENDS.sub("", text)
    while (shorter := _EN_WISH_OPENERS.sub("", text)) != text:
        text = shorter
    return text


def spot(text: str, lang: str) -> list[Generalisation]:
    """Every sweeping "you always / you never" phrase in `text`."""
    if lang == "tr":
        if not _TR_YOU.search(text):
            return []
        masked = _TR_NOT_ABSOLUTE.sub(lambda m: " " * len(m.group()), text)
        matches = _TR_SPOT.finditer(masked)
    else:
        matches = _EN_SPOT.finditer(text)
    return [Generalisation(text[m.start() : m.end()], m.start(), m.end()) for m in matches]


def rewrite(text: str, lang: str) -> str | None:
    """The complaint as one situation, without always/never; None if there are none.

    Only the sentence with the first generalisation is kept: "I'm tired. You
    never help with the dishes!" becomes "you don't help with the dishes",
    ready for "When …, I felt …". In Turkish, whose verbs would need
    real morphology to turn into a noun phrase, the absolute word is replaced
    by "bazen" (sometimes): "Sen beni hiç dinlemiyorsun" -> "bazen beni
    dinlemiyorsun".
    """
    found = spot(text, lang)
    if not found:
        return None
    first = found[0]
    if lang == "tr":  # the verb comes last: keep the whole sentence around the word
        starts = [m.end() for m in SENTENCE_END.finditer(text, 0, first.start)]
        end = SENTENCE_END.search(text, first.end)
        segment = text[max(starts, default=0) : end.start() if end else len(text)]
        return _tr_rewrite(segment.strip(TRAILING)).strip(TRAILING)
    # the complaint starts at "you ...": "I hate that you never ..." keeps "you never ..."
    end = CLAUSE_END.search(text, first.end)
    segment = text[first.start : end.start() if end else len(text)]
    return _en_rewrite(segment.strip(TRAILING)).strip(TRAILING)
