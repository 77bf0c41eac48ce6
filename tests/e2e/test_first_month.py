"""A couple's first month through the real bot process (tests/support/first_month.py).

Two partners in different timezones: the relationship check and the path it
suggests, conversations, check-ins on their own days and never in their quiet
hours, "we'll try it" follow-ups revealed once to both, two love-maps rounds,
a partner away for two weeks welcomed back without blame, and the check again
after four weeks with the picture of the change and a comparison.
"""

from __future__ import annotations

import collections
from datetime import timedelta
from pathlib import Path

import pytest

from tests.fakes.telegram_server import FakeBotApiServer
from tests.support.first_month import (
    ALEX,
    BLAME,
    SAM,
    START,
    TRANSCRIPT,
    Month,
    first_month,
    own_initiative,
    partner_news_in_quiet_hours,
    transcript,
    what_was_said,
)

pytestmark = pytest.mark.e2e
PEOPLE = {ALEX.name: ALEX, SAM.name: SAM}
REVEALS = ("You both answered", "You've both answered")
"""A couple question's reveal: the one place a partner's typed answer may appear."""


def count(texts: list[str], words: str) -> int:
    return sum(words in t for t in texts)


@pytest.mark.slow
def test_a_couples_first_month(server: FakeBotApiServer, tmp_path: Path) -> None:
    month = Month(server, tmp_path)
    with month.running():
        story = first_month(month)
    alex, sam = month.received("Alex"), month.received("Sam")

    # The check and the welcome order the path: what each said comes first, with why.
    first = story.suggested_alex.splitlines()[2]
    assert first == "• Closeness at full speed — you said unhurried time together is hard to find."
    assert "you'd like disagreements to go more gently" in story.suggested_sam
    assert story.suggested_alex != story.suggested_sam

    # Nothing typed in private reaches the partner, except a couple question once both answered.
    for who, partner in (("Alex", sam), ("Sam", alex)):
        for words in month.private[who]:
            leaked = [t for t in partner if words in t and not any(r in t for r in REVEALS)]
            assert not leaked, f"{who}'s private words reached their partner: {leaked}"
    assert not any("We keep missing each other" in t for t in sam)

    # Every reveal comes exactly once, to both, and only after both answered.
    alex, sam = month.received("Alex", edits=False), month.received("Sam", edits=False)
    assert count(alex, "You both answered") == count(sam, "You both answered") == 1
    assert count(alex, "You guessed:") == count(sam, "You guessed:") == 2
    assert count(alex, "🌱 How it went:") == count(sam, "🌱 How it went:") == 2
    compared = [count(month.received(who), "side by side\n") for who in ("Alex", "Sam")]
    assert compared == [1, 1], "the comparison, once each (the second to choose sees it in place)"
    figures = month.figures()
    assert figures.follow_ups_sent == 6 and figures.follow_ups_answered == 5
    assert figures.love_maps_rounds == 2
    assert figures.repeats == 0, figures.prompts_per_pool

    # Check-ins and weekly pictures: on the chosen days, at the chosen time, never in quiet hours.
    check_ins = collections.Counter()
    for line in month.unprompted():
        person = PEOPLE[line.who]
        local = person.local(line.at)
        assert not person.in_quiet(line.at) or not own_initiative(line), (
            line.who,
            local,
            line.text,
        )
        if line.what == "photo":
            assert (local.weekday(), local.hour) == (6, 18), local
        elif "⏰ In an hour" in line.buttons:
            check_ins[line.who] += 1
            assert local.weekday() in person.days, (line.who, local, line.text)
            assert local.hour * 60 + local.minute == person.minute, (line.who, local)
    assert check_ins["Alex"] >= 12 and check_ins["Sam"] >= 8, check_ins

    # Away for two weeks: check-ins thin out, nothing blames, and a warm welcome back, once.
    away = [
        line
        for line in month.unprompted()
        if line.who == "Sam" and 12 <= day(line.at) <= 25 and own_initiative(line)
    ]
    # Tue, Thu and Sat for two weeks would be six; unanswered, they come half as often
    assert 3 <= len(away) < 6, [line.text for line in away]
    assert any("less often" in line.text for line in away)
    assert not any(BLAME.search(t) for t in sam), [t for t in sam if BLAME.search(t)]
    assert story.welcome_back[0].startswith("Welcome back, Sam 🌿")
    assert count(sam, "Welcome back") == 1 and count(alex, "Welcome back") == 0

    # Four weeks on: the check again, with the picture of the change, for each.
    for who in ("Alex", "Sam"):
        pictures = [line for line in month.diary() if line.who == who and line.what == "photo"]
        assert pictures[-1].text.startswith("Your check then and now"), pictures[-1].text

    # At most a handful of messages a day, and the transcript of the first week tells it all.
    assert (
        max(
            n
            for per in figures.messages_per_day.values()
            for d, n in per.items()
            if d > START.date() + timedelta(days=1)
        )
        <= 20
    )
    written = transcript(month)
    assert (
        "## Monday 04 January 2027 (in Istanbul)" in written
        and "Sam would like to try this" in written
    )
    # docs/first-week-transcript.md is this very week (`python -m tests.support.first_month`)
    assert what_was_said(TRANSCRIPT.read_text(encoding="utf-8")) == what_was_said(written)
    print("\n".join(figures.lines()))
    late = partner_news_in_quiet_hours(month)  # held back until their quiet hours end
    print(f"partner news inside the reader's quiet hours: {len(late)}")
    assert late == [], [(line.who, line.at, line.text) for line in late]


def day(moment) -> int:  # type: ignore[no-untyped-def]
    return (moment - START).days + 1
