"""Button payloads are compact and never trusted."""

from __future__ import annotations

import pytest

from bot.engine import callbacks


def test_round_trip() -> None:
    data = callbacks.nav("welcome", "hello", 1)
    assert callbacks.decode(data) == callbacks.Callback("n", ("welcome", "hello", "1"))


@pytest.mark.parametrize(
    "forged",
    [None, "", "|x", "n||1", "n|welcome|start|²", "unl|²", "x" * 65, "n|wélcome|a|1"],
)
def test_anything_we_did_not_send_is_refused(forged: str | None) -> None:
    assert callbacks.decode(forged) is None


@pytest.mark.parametrize("data", ["n|welcome|start|²", "unl|²", "fgt|²", "cd|x|²"])
async def test_forged_digits_get_a_kind_answer_not_an_error(coach, data: str) -> None:
    from tests.support.people import ALEX

    outs = await coach.press(ALEX, data)
    assert len(outs) == 1 and outs[0].notice
