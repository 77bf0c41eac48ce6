from bot.cooldown.exercises import BREATH_ROUNDS, breathing_plan


def test_breathing_paces_in_for_four_and_out_for_six() -> None:
    plan = breathing_plan()
    ins = [c.after for c in plan if c.key == "cooldown_breath_in"]
    outs = [c.after for c in plan if c.key == "cooldown_breath_out"]
    assert ins == [0, 10, 20, 30]
    assert outs == [4, 14, 24, 34]
    assert plan[-1].key == "cooldown_breath_done"
    assert plan[-1].after == 40
    assert len(ins) == BREATH_ROUNDS


def test_every_cue_has_its_round() -> None:
    plan = breathing_plan(rounds=2, inhale=3, exhale=5)
    assert [(c.after, c.round) for c in plan] == [(0, 1), (3, 1), (8, 2), (11, 2), (16, 2)]
