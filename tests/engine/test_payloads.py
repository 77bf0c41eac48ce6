"""Button payloads: typed, compact, the wire format of old buttons, and never trusted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.engine import callbacks
from bot.engine.payloads import MAX_BYTES, SEP, Payload, route, shadows


@dataclass(frozen=True)
class Everything(Payload, prefix="zz|all"):
    """One field of every kind a payload may have."""

    name: str
    count: int
    yes: bool
    size: Literal["s", "m", "l"]
    extra: int | None = None


def test_round_trip() -> None:
    data = callbacks.Nav("welcome", "hello", 1).pack()
    assert data == "n|welcome|hello|1", "the wire format of buttons already in people's chats"
    assert callbacks.Nav.unpack(data) == callbacks.Nav("welcome", "hello", 1)


def test_the_wire_format_is_the_hand_packed_one() -> None:
    assert callbacks.Share("d", "q", True).pack() == "s|d|q|1"
    assert callbacks.Share("d", "q", False).pack() == "s|d|q|0"
    assert callbacks.TopicsMenu().pack() == "m|topics"
    assert Everything("a", 7, True, "m").pack() == "zz|all|a|7|1|m", "a trailing None is left off"
    assert Everything("a", 7, False, "l", 3).pack() == "zz|all|a|7|0|l|3"


@pytest.mark.parametrize(
    "forged",
    [None, "", "|x", "n||1", "n|welcome|start|²", "unl|²", "x" * 65, "n|wélcome|a|1"],
)
def test_anything_we_did_not_send_is_refused(forged: str | None) -> None:
    assert callbacks.Nav.unpack(forged) is None


@pytest.mark.parametrize(
    "forged",
    [
        "n|welcome|hello",  # a field missing
        "n|welcome|hello|1|2",  # one too many
        "n|welcome|hello|x",  # not a number
        "n|welcome|hello|²",  # a digit to Python, not to us
        "n|welcome|hello|-1",  # numbers on buttons are never negative
        "n|welcome|hello|" + "9" * 20,  # nor longer than a 64-bit id
        "n||hello|1",  # an empty field
        "s|d|q|2",  # a bool is 0 or 1
        "nav|welcome|hello|1",  # another prefix
    ],
)
def test_a_malformed_field_is_refused(forged: str) -> None:
    assert callbacks.Nav.unpack(forged) is None and callbacks.Share.unpack(forged) is None


def test_literals_and_optional_fields_are_checked() -> None:
    assert Everything.unpack("zz|all|a|7|1|m") == Everything("a", 7, True, "m")
    assert Everything.unpack("zz|all|a|7|1|m|3") == Everything("a", 7, True, "m", 3)
    assert Everything.unpack("zz|all|a|7|1|xl") is None
    assert Everything.unpack("zz|all|a|7|1") is None
    assert Everything.unpack("zz|all|a|7|1|m|") is None


@pytest.mark.parametrize(
    "bad",
    [
        callbacks.Topic("a|b"),  # the separator would split it
        callbacks.Topic(""),  # an empty field does not come back
        callbacks.Topic("wélcome"),  # Telegram's data is bytes; ours is ASCII
        callbacks.Topic("x" * 63),  # over 64 bytes with its prefix
        callbacks.Nav("a", "b", -1),
        callbacks.Nav("a", "b", "1"),  # type: ignore[arg-type]
        callbacks.Share("a", "b", 1),  # type: ignore[arg-type]
        Everything("a", 1, True, "xl"),  # type: ignore[arg-type]
    ],
)
def test_packing_what_cannot_come_back_is_our_bug_and_raises(bad: Payload) -> None:
    with pytest.raises(ValueError):
        bad.pack()


def test_a_payload_needs_a_prefix_and_plain_fields() -> None:
    with pytest.raises(TypeError):

        class NoPrefix(Payload):
            pass

    @dataclass(frozen=True)
    class Floaty(Payload, prefix="zz|f"):
        value: float

    with pytest.raises(TypeError):
        Floaty.fields()


def test_the_longest_prefix_wins() -> None:
    table = {"cd": "cd", "cd|sign": "sign", "cd|sign|x": "deeper"}
    assert route("cd|sign|12|think", table) == "sign"
    assert route("cd|sign|x|1", table) == "deeper"
    assert route("cd|other", table) == "cd"
    assert route("nope|1", table) is None


ascii_text = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters=SEP),
    min_size=1,
    max_size=12,
)


@given(
    st.builds(
        Everything,
        name=ascii_text,
        count=st.integers(0, 10**12),
        yes=st.booleans(),
        size=st.sampled_from(["s", "m", "l"]),
        extra=st.none() | st.integers(0, 10**6),
    )
)
def test_what_is_packed_unpacks_to_the_same(payload: Everything) -> None:
    data = payload.pack()
    assert len(data.encode()) <= MAX_BYTES
    assert Everything.unpack(data) == payload


@given(st.text(max_size=80) | st.binary(max_size=80).map(lambda b: b.decode("latin-1")))
def test_arbitrary_data_never_raises(data: str) -> None:
    for cls in (Everything, callbacks.Nav, callbacks.Share, callbacks.Topic, callbacks.TopicsMenu):
        for candidate in (data, f"{cls.prefix}|{data}", f"zz|all|a|{data}|1|m"):
            found = cls.unpack(candidate)
            assert found is None or isinstance(found, cls)


def test_a_prefix_that_would_take_another_class_s_data_is_found() -> None:
    @dataclass(frozen=True)
    class Section(Payload, prefix="zz|set"):
        key: str

    @dataclass(frozen=True)
    class Name(Payload, prefix="zz|set|name"):
        pass

    @dataclass(frozen=True)
    class Unlink(Payload, prefix="zz|unl"):
        couple: int

    @dataclass(frozen=True)
    class Keep(Payload, prefix="zz|unl|keep"):
        pass

    assert shadows(Section, Name), "Section('name') would be routed to Name"
    assert not shadows(Name, Section)
    assert not shadows(Unlink, Keep), "no couple id is 'keep'"
    assert not shadows(callbacks.Nav, callbacks.Share)
