"""Text longer than one Telegram message, split where a reader expects a break.

Telegram refuses messages over 4,096 characters. A long answer shared with a
partner is cut between paragraphs, lines or words (never inside a word unless
one word alone is too long) and each part says which it is, so nothing looks
cut off.
"""

from __future__ import annotations

MESSAGE_LIMIT = 4096
PART_LABEL_ROOM = 16
"""Room kept in each part for its " (2/3)" label."""


def split_at_words(text: str, limit: int = MESSAGE_LIMIT - PART_LABEL_ROOM) -> list[str]:
    parts: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut if cut > 0 else limit  # one unbroken word longer than a message
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def labelled(parts: list[str]) -> list[str]:
    """Each part with its place, e.g. "… (1/2)"; a single part stays as it is."""
    if len(parts) < 2:
        return parts
    return [f"{part} ({i}/{len(parts)})" for i, part in enumerate(parts, 1)]
