"""The rules for a due check-in, with nothing but datetimes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.nudges.plan import Due, Reason, plan_nudge, plan_summary
from bot.nudges.schedule import Quiet, Rhythm

GRACE = timedelta(hours=2)
TUE_FRI = Rhythm((1, 4), 19 * 60 + 30, "UTC", Quiet(22 * 60, 8 * 60))
DUE = datetime(2026, 3, 3, 19, 30, tzinfo=UTC)  # a Tuesday
ROW = Due(TUE_FRI, DUE, None, 0, None, None, True)


def test_a_due_check_in_is_sent_and_the_next_one_is_friday() -> None:
    plan = plan_nudge(ROW, DUE + timedelta(seconds=5), GRACE)
    assert plan.send and plan.reason is Reason.DUE
    assert plan.due_at == DUE
    assert plan.next_due_at == datetime(2026, 3, 6, 19, 30, tzinfo=UTC)
    assert plan.last_nudged_at == DUE + timedelta(seconds=5)


def test_missed_by_less_than_the_grace_window_it_is_still_sent_once() -> None:
    plan = plan_nudge(ROW, DUE + timedelta(hours=1, minutes=59), GRACE)
    assert plan.send and plan.due_at == DUE


def test_missed_by_more_than_the_grace_window_it_is_skipped_without_a_burst() -> None:
    now = DUE + timedelta(days=9)  # three occurrences missed while the bot was down
    plan = plan_nudge(ROW, now, GRACE)
    assert not plan.send and plan.reason is Reason.LATE
    assert plan.next_due_at > now, "the schedule jumps to the future, not through the backlog"
    assert plan.next_due_at == datetime(2026, 3, 13, 19, 30, tzinfo=UTC)


def test_a_paused_person_gets_nothing_and_resumes_after_the_pause() -> None:
    row = replace(ROW, paused_until=DUE + timedelta(days=5))
    plan = plan_nudge(row, DUE, GRACE)
    assert plan.reason is Reason.PAUSED and not plan.send
    assert plan.next_due_at == datetime(2026, 3, 10, 19, 30, tzinfo=UTC)


def test_a_person_who_blocked_the_bot_gets_nothing() -> None:
    plan = plan_nudge(replace(ROW, active=False), DUE, GRACE)
    assert plan.reason is Reason.INACTIVE and not plan.send
    assert plan.next_due_at > DUE


def test_nothing_is_sent_in_quiet_hours_even_when_catching_up() -> None:
    late_evening = DUE + timedelta(hours=2, minutes=45)  # 22:15, inside quiet hours, within grace
    plan = plan_nudge(replace(ROW, regular_due_at=DUE + timedelta(hours=1)), late_evening, GRACE)
    assert plan.reason is Reason.QUIET and not plan.send


def test_never_more_than_one_unprompted_check_in_a_day() -> None:
    row = replace(ROW, last_nudged_at=DUE - timedelta(hours=3))
    plan = plan_nudge(row, DUE, GRACE)
    assert plan.reason is Reason.DAILY_LIMIT and not plan.send
    yesterday = replace(ROW, last_nudged_at=DUE - timedelta(days=1))
    assert plan_nudge(yesterday, DUE, GRACE).send


def test_a_snooze_brings_the_check_in_back_and_keeps_the_regular_rhythm() -> None:
    snooze = DUE + timedelta(hours=1)
    row = replace(ROW, regular_due_at=DUE + timedelta(days=3), snooze_until=snooze)
    plan = plan_nudge(row, snooze, GRACE)
    assert plan.reason is Reason.SNOOZE and plan.snoozed and plan.send
    assert plan.due_at == snooze
    assert plan.snooze_until is None
    assert plan.next_due_at == DUE + timedelta(days=3)


def test_a_snooze_is_asked_for_so_it_is_not_held_back_by_the_daily_limit() -> None:
    snooze = DUE + timedelta(hours=1)
    row = replace(
        ROW, regular_due_at=DUE + timedelta(days=3), snooze_until=snooze, last_nudged_at=DUE
    )
    assert plan_nudge(row, snooze, GRACE).send


def test_a_pending_snooze_comes_first_when_it_is_sooner() -> None:
    row = replace(ROW, regular_due_at=DUE + timedelta(days=3), snooze_until=DUE + timedelta(days=1))
    plan = plan_nudge(replace(row, regular_due_at=DUE), DUE, GRACE)
    assert plan.send and not plan.snoozed
    assert plan.next_due_at == DUE + timedelta(days=1)


def test_after_three_ignored_check_ins_the_frequency_halves_and_we_say_so_once() -> None:
    plan = plan_nudge(replace(ROW, unanswered=3), DUE, GRACE)
    assert plan.send and plan.backoff
    assert plan.stride == 2 and plan.unanswered == 0
    assert plan.next_due_at == datetime(2026, 3, 10, 19, 30, tzinfo=UTC), "Friday is skipped"
    again = plan_nudge(replace(ROW, unanswered=2), DUE, GRACE)
    assert not again.backoff and again.stride == 1


def test_backing_off_stops_at_the_quietest_rhythm_without_more_notes() -> None:
    rhythm = replace(TUE_FRI, stride=4)
    plan = plan_nudge(replace(ROW, rhythm=rhythm, unanswered=3), DUE, GRACE)
    assert plan.send and not plan.backoff and plan.stride == 4 and plan.unanswered == 0


def test_the_weekly_picture_follows_pause_quiet_and_grace() -> None:
    sunday = datetime(2026, 3, 8, 18, tzinfo=UTC)
    ok = plan_summary(sunday, "UTC", None, None, True, sunday, GRACE)
    assert ok.send and ok.next_due_at == sunday + timedelta(days=7)
    paused = plan_summary(sunday, "UTC", None, sunday + timedelta(days=1), True, sunday, GRACE)
    assert paused.reason is Reason.PAUSED
    late = plan_summary(sunday, "UTC", None, None, True, sunday + timedelta(hours=3), GRACE)
    assert late.reason is Reason.LATE
    quiet = plan_summary(sunday, "UTC", Quiet(17 * 60, 20 * 60), None, True, sunday, GRACE)
    assert quiet.reason is Reason.QUIET
