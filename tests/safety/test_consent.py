"""Exercises that assume safety: physical ones ask for both partners' wish, rough patches
point to a calm break and to professional help (in every language)."""

from __future__ import annotations

import re

import pytest

CONSENT = {"en": "only if you both want it", "tr": "yalnızca ikiniz de isterseniz"}
PHYSICAL = re.compile(r"\b(hug|hugs|a hand on|touch|kiss|massage)\b", re.I)
INVITATION = re.compile(r"\b(try|share|sit|hold)\b", re.I)


def exercises(content):
    """Nodes that ask the couple to do something physical together."""
    for dialog in content.dialogs.values():
        for node_id, node in dialog.nodes.items():
            if node.text is None:
                continue
            text = node.text["en"]
            asks = PHYSICAL.search(text) and INVITATION.search(text)
            if asks and node_id.startswith("exercise"):
                yield dialog.id, node_id, node


def test_physical_exercises_say_only_if_you_both_want_it(content):
    found = list(exercises(content))
    assert {(d, n) for d, n, _ in found} >= {("physical", "exercise"), ("calming", "exercise")}
    for dialog, node_id, node in found:
        for lang, words in CONSENT.items():
            assert words in node.text[lang].lower(), f"{dialog}:{node_id} ({lang})"


@pytest.mark.parametrize(("dialog", "node"), [("stability", "rough"), ("welcome", "distant")])
def test_rough_patches_point_to_cooldown_and_professional_help(content, dialog, node):
    text = content.dialogs[dialog].nodes[node].text
    assert "/cooldown" in text["en"] and "/cooldown" in text["tr"]
    assert "counsellor" in text["en"] and "terapist" in text["tr"]
