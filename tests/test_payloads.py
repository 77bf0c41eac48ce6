"""Every feature's buttons: routed by prefix, no prefix twice, all fitting Telegram's 64 bytes.

The engine's payload type is tested in tests/engine/test_payloads.py; this is
the assembled coach: every payload class any feature declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.coach import Coach
from bot.engine.payloads import MAX_BYTES, Payload
from bot.features import FEATURES
from bot.plugins import Feature, FeatureContext
from tests.support.people import ALEX

BIGGEST_ID = 2**63 - 1
"""A database id (or a Unix time) can be no larger than this."""


def classes(coach: Coach) -> list[type[Payload]]:
    return [button.payload for button in coach.registry.buttons.values()]


def largest(cls: type[Payload], content: Any) -> Payload:
    """The longest instance real use could make of `cls`: huge ids, the longest names."""
    longest_dialog = max(content.dialogs, key=len)
    longest_node = max((n for d in content.dialogs.values() for n in d.nodes), key=len, default="x")
    strings = {
        "dialog": longest_dialog,
        "node": longest_node,
        "lang": max(content.languages, key=len),
        "key": "checkins",  # the longest /settings section key
        "variant": "p",
        "code": "none",  # longer than any two-letter country
        "letter": "x",
        "action": "meant",  # the longest safety action
        "setting": "long_distance",
        "idea": "x" * 24,  # idea ids in data/ are short slugs
    }
    values: dict[str, Any] = {}
    for f in cls.fields():
        if f.kind is str:
            values[f.name] = strings[f.name]
        elif f.kind is int:
            values[f.name] = BIGGEST_ID
        elif f.kind is bool:
            values[f.name] = True
        else:
            values[f.name] = max(f.kind, key=len)
    return cls(**values)


def test_every_feature_declares_its_buttons_as_payload_classes(coach: Coach) -> None:
    found = classes(coach)
    assert len(found) > 60
    assert {c.__module__.split(".")[1] for c in found} >= {
        "engine", "cooldown", "nudges", "safety", "couples", "path", "lovemaps", "followups",
        "together", "language", "settings_menu",
    }  # fmt: skip


def test_every_payload_fits_telegram_s_64_bytes(coach: Coach) -> None:
    for cls in classes(coach):
        payload = largest(cls, coach.content)
        data = payload.pack()
        assert len(data.encode()) <= MAX_BYTES, data
        assert cls.unpack(data) == payload
        assert coach.registry.button(data) is not None


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.text(max_size=70) | st.sampled_from(["cd|sign|1|2", "nu|s|3|4", "sfq|on"]))
def test_no_data_makes_the_router_raise(coach: Coach, data: str) -> None:
    found = coach.registry.button(data)
    if found is not None:
        payload, _ = found
        assert payload.pack() == data or type(payload).unpack(payload.pack()) == payload


async def test_forged_data_for_every_prefix_gets_the_kind_notice(coach: Coach) -> None:
    unknown = coach.content.t("unknown_button", "en")
    for cls in classes(coach):
        for forged in (f"{cls.prefix}|²", f"{cls.prefix}|{'x|' * 8}x"):
            outs = await coach.press(ALEX, forged)
            assert [(o.text, o.notice) for o in outs] == [(unknown, True)], forged


def test_two_classes_with_the_same_prefix_are_refused(coach: Coach) -> None:
    @dataclass(frozen=True)
    class Mine(Payload, prefix="cd|sign"):
        anything: str

    async def nothing(*_: object) -> None:
        return None

    def twin(context: FeatureContext) -> Feature:
        return Feature("twin", buttons={Mine: nothing})

    with pytest.raises(
        ValueError, match=re.escape("feature 'twin': button kind 'cd|sign' is registered")
    ):
        Coach(coach.content, coach.sessions, features=(*FEATURES, twin))


def test_a_button_another_prefix_would_take_is_refused(coach: Coach) -> None:
    @dataclass(frozen=True)
    class Name(Payload, prefix="set|name"):  # "set|name" is the settings menu's Section("name")
        pass

    async def nothing(*_: object) -> None:
        return None

    def greedy(context: FeatureContext) -> Feature:
        return Feature("greedy", buttons={Name: nothing})

    with pytest.raises(ValueError, match=re.escape("button kind 'set|name' would take data")):
        Coach(coach.content, coach.sessions, features=(*FEATURES, greedy))
