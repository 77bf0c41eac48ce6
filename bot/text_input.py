"""Text from outside, cleaned once on the way in so that every word can be stored.

Telegram's JSON may carry characters no database takes: NUL (PostgreSQL's
text cannot hold it) and half of a surrogate pair such as `\\ud800` (not
encodable as UTF-8 at all). They never come from a keyboard, so dropping NUL
and showing a lone surrogate as U+FFFD (the usual stand-in for an unreadable
character) loses nothing anyone wrote, and the answer is stored instead of
failing.
"""

from __future__ import annotations

import re

_NUL = "\x00"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """`text` without NUL and with every unpaired surrogate replaced by U+FFFD."""
    if _NUL in text:
        text = text.replace(_NUL, "")
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)
