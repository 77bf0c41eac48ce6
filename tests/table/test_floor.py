"""The floor's rules, move by move: whose move it is, what follows, when it closes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.table import floor as f

A, B = 1, 2
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def play(floor: f.Floor, *moves: tuple[str, int]) -> f.Floor:
    for kind, actor in moves:
        result = f.move(floor, kind, actor, B if actor == A else A, NOW)
        assert isinstance(result, f.Floor), (kind, actor, floor, result)
        floor = result
    return floor


def opened(rounds: int = 2) -> f.Floor:
    return play(f.Floor(f.READY, rounds=rounds), (f.TALK, A), (f.CHOSE, B))


def test_the_opener_speaks_first_and_each_accepted_move_raises_the_version() -> None:
    floor = opened()
    assert (floor.phase, floor.speaker, floor.listener, floor.version) == (f.SPEAK, A, B, 2)


def test_said_heard_yes_passes_the_floor_to_the_listener() -> None:
    floor = play(opened(), (f.SAID, A), (f.HEARD, B), (f.YES, A))
    assert (floor.phase, floor.speaker, floor.listener, floor.turns) == (f.SPEAK, B, A, 1)


def test_not_quite_gives_the_floor_back_to_the_same_speaker() -> None:
    floor = play(opened(), (f.SAID, A), (f.HEARD, B), (f.NOT_QUITE, A))
    assert (floor.phase, floor.speaker, floor.turns) == (f.SPEAK, A, 0)
    floor = play(floor, (f.SAID, A), (f.HEARD, B), (f.YES, A))
    assert (floor.speaker, floor.turns) == (B, 1)


@pytest.mark.parametrize(
    ("moves", "kind", "actor", "reason"),
    [
        ((), f.SAID, B, f.NOT_YOUR_TURN),
        (((f.SAID, A),), f.HEARD, A, f.NOT_YOUR_TURN),
        (((f.SAID, A), (f.HEARD, B)), f.YES, B, f.NOT_YOUR_TURN),
        (((f.SAID, A), (f.HEARD, B)), f.NOT_QUITE, B, f.NOT_YOUR_TURN),
        ((), f.YES, A, f.NOT_NOW),
        ((), f.HEARD, B, f.NOT_NOW),
        ((), f.TALK, A, f.NOT_NOW),
    ],
)
def test_a_move_out_of_turn_or_phase_is_refused_and_changes_nothing(
    moves, kind: str, actor: int, reason: str
) -> None:
    floor = play(opened(), *moves)
    result = f.move(floor, kind, actor, B if actor == A else A, NOW)
    assert result == f.Refused(reason)


def test_the_talk_closes_after_every_round_is_spoken() -> None:
    floor = opened(rounds=2)
    for speaker in (A, B, A):
        floor = play(floor, (f.SAID, speaker), (f.HEARD, 3 - speaker), (f.YES, speaker))
        assert floor.phase == f.SPEAK
    floor = play(floor, (f.SAID, B), (f.HEARD, A), (f.YES, B))
    assert (floor.phase, floor.turns) == (f.CLOSING, 4)
    assert play(floor, (f.CLOSED, A)).phase == f.ENDED


@pytest.mark.parametrize("actor", [A, B])
def test_either_partner_may_pause_and_the_floor_comes_back_where_it_was(actor: int) -> None:
    floor = play(opened(), (f.SAID, A))
    paused = f.move(floor, f.PAUSE, actor, 3 - actor, NOW, minutes=30)
    assert isinstance(paused, f.Floor)
    assert paused.phase == f.PAUSED and paused.paused_by == actor
    assert paused.paused_until == NOW + timedelta(minutes=30)
    assert f.move(paused, f.SAID, A, B, NOW) == f.Refused(f.NOT_NOW)
    back = play(paused, (f.RESUME, B))
    assert (back.phase, back.speaker, back.paused_until) == (f.REFLECT, A, None)


def test_only_the_offered_pause_lengths_are_taken() -> None:
    assert f.move(opened(), f.PAUSE, A, B, NOW, minutes=5) == f.Refused(f.NOT_NOW)


def test_either_partner_may_stop_and_a_stopped_talk_can_start_again() -> None:
    floor = play(opened(), (f.STOP, B))
    assert floor.phase == f.CLOSING
    assert f.move(floor, f.PAUSE, A, B, NOW, minutes=20) == f.Refused(f.NOT_NOW)
    again = play(floor, (f.CLOSED, A), (f.TALK, B))
    assert (again.phase, again.speaker, again.turns) == (f.TOPIC, B, 0)
