"""A couple's first week, start to finish, on one clock: the welcome and the check, linking,
a love-maps round, an exercise planned and followed up with their check-ins, an idea,
and what they did together. Run with `-s` to read the transcript."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.turn import Outbound, Person
from tests.couples.conftest import invite, join
from tests.nudges.support import make_coach, meet, tick

ALEX = Person(2001, 2001, "Alex", "en")
SAM = Person(2002, 2002, "Sam", "en")
MONDAY = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul
GUILT = re.compile(r"\b(streak|missed|behind|you forgot)\b", re.IGNORECASE)


class Week:
    """Drives two people through the bot and writes down everything, in order."""

    def __init__(self, coach, clock) -> None:
        self.coach, self.clock = coach, clock
        self.lines: list[str] = []
        self.unprompted: dict[tuple[int, str], int] = {}

    def _when(self) -> str:
        local = self.clock.now + timedelta(hours=3)
        return local.strftime("%a %H:%M")

    def _record(self, outs: list[Outbound], unprompted: bool = False) -> list[Outbound]:
        for out in outs:
            who = "Alex" if out.chat_id == ALEX.chat_id else "Sam"
            what = out.text or (out.attachment.caption if out.attachment else "")
            kind = " (edit)" if out.replace else " (toast)" if out.notice else ""
            kind += " [picture]" if out.attachment else ""
            labels = " | ".join(b.label for row in out.keyboard for b in row)
            self.lines.append(
                f"  bot → {who}{kind}: {what}" + (f"\n    [{labels}]" if labels else "")
            )
            if unprompted:
                key = (out.chat_id, self._when()[:3])
                self.unprompted[key] = self.unprompted.get(key, 0) + 1
        return outs

    async def command(self, person: Person, name: str, *args: str) -> list[Outbound]:
        self.lines.append(
            f"[{self._when()}] {person.first_name}: /{name} {' '.join(args)}".rstrip()
        )
        return self._record(await self.coach.run_command(person, name, args))

    async def type(self, person: Person, text: str) -> list[Outbound]:
        self.lines.append(f"[{self._when()}] {person.first_name} types: {text}")
        return self._record(await self.coach.text(person, text))

    async def tap(self, person: Person, outs: list[Outbound], label: str) -> list[Outbound]:
        """Tap the newest button to `person` whose label starts with `label`."""
        mine = [o for o in outs if o.chat_id == person.chat_id]
        data = next(
            b.data
            for o in reversed(mine)
            for row in o.keyboard
            for b in row
            if b.label.startswith(label)
        )
        self.lines.append(f"[{self._when()}] {person.first_name} taps: {label}")
        return self._record(await self.coach.press(person, data))

    async def wait(self, until: datetime) -> list[Outbound]:
        """Let time pass, the check-in sweep running every 15 minutes."""
        sent: list[Outbound] = []
        while self.clock.now < until:
            self.clock.advance(minutes=15)
            sent += self._record(await tick(self.coach), unprompted=True)
        return sent

    @property
    def transcript(self) -> str:
        return "\n".join(self.lines)


def to(outs: list[Outbound], person: Person) -> list[Outbound]:
    return [o for o in outs if o.chat_id == person.chat_id]


async def answer_check(week: Week, person: Person, outs: list[Outbound], low: set[int]) -> list:
    """Tap through the check: 'Sometimes' for the statements numbered in `low`, else 'Often'."""
    for number in range(1, 13):
        outs = await week.tap(person, outs, "Sometimes" if number in low else "Often")
    return outs


async def test_a_couples_first_week(engine, content, clock) -> None:
    clock.set(MONDAY)
    coach = make_coach(engine, content, clock)
    week = Week(coach, clock)

    # Monday morning: Alex finds Attune, answers the welcome and takes the check.
    outs = await week.command(ALEX, "start")
    outs = await week.tap(ALEX, outs, "Sounds good")
    outs = await week.type(ALEX, "We've been busy and keep snapping at each other.")
    outs = await week.tap(ALEX, outs, "A bit distant")
    outs = await week.tap(ALEX, outs, "Gentler disagreements")
    outs = await week.tap(ALEX, outs, "Let's do the check")
    outs = await answer_check(week, ALEX, outs, low={2, 5, 9})
    result = to(outs, ALEX)[-1].text
    assert "you said settling each other down can be hard" in result

    # Alex invites Sam; Sam joins and skips the check for now.
    clock.advance(hours=1)
    code = await invite(coach, ALEX)
    week.lines.append(f"[{week._when()}] Alex: /invite → sends Sam the link")
    week._record(await join(coach, SAM, code))
    outs = await week.command(SAM, "start")
    outs = await week.tap(SAM, outs, "Sounds good")
    outs = await week.type(SAM, "I'd like us to have more time together.")
    outs = await week.tap(SAM, outs, "Close, and I want")
    outs = await week.tap(SAM, outs, "Time for each other")
    outs = await week.tap(SAM, outs, "Maybe later")
    assert "you'd like more time for each other" in to(outs, SAM)[-1].text
    await meet(coach, ALEX, SAM)  # their check-in schedules (the sweep would, within a minute)

    # Monday evening: a love-maps round.
    clock.set(MONDAY + timedelta(hours=12))
    outs = await week.command(ALEX, "lovemaps")
    outs = await week.tap(ALEX, outs, "🌱 Light")
    for _ in range(2):
        options = [b for row in to(outs, ALEX)[-1].keyboard for b in row]
        outs = await (week.tap(ALEX, outs, options[0].label) if options else week.type(ALEX, "Tea"))
    outs = await week.tap(SAM, outs, "▶️ Play")
    for _ in range(2):
        options = [b for row in to(outs, SAM)[-1].keyboard for b in row]
        outs = await (week.tap(SAM, outs, options[1].label) if options else week.type(SAM, "Tea"))
    assert any("You guessed:" in o.text for o in to(outs, ALEX))

    # Tuesday: their usual check-in.
    await week.wait(MONDAY + timedelta(days=1, hours=14))

    # Wednesday: Alex opens the first suggestion and plans its exercise.
    clock.set(MONDAY + timedelta(days=2, hours=3))
    outs = await week.command(ALEX, "topics")
    first = next(b.label for row in to(outs, ALEX)[-1].keyboard for b in row)
    assert first == "✨ Calming each other"
    outs = await week.tap(ALEX, outs, first)
    for label in ("Go on", "We both get wound up"):
        outs = await week.tap(ALEX, outs, label)
    outs = await week.type(ALEX, "A walk, and hearing that we'll figure it out.")
    outs = await week.tap(ALEX, outs, "Keep it private")
    outs = await week.type(ALEX, "Making me a cup of tea without asking why.")
    outs = await week.tap(ALEX, outs, "We'll try it")
    assert any("Alex would like to try this with you" in o.text for o in to(outs, SAM))

    # Friday: the follow-up comes with each one's check-in; both answer; both see both.
    sent = await week.wait(MONDAY + timedelta(days=4, hours=14))
    followups = [o for o in sent if "Did it happen?" in o.text]
    assert sorted(o.chat_id for o in followups) == [ALEX.chat_id, SAM.chat_id]
    outs = await week.tap(ALEX, followups, "✅ Yes")
    outs = await week.tap(ALEX, outs, "4")
    outs = await week.tap(SAM, followups, "✅ Yes")
    outs = await week.tap(SAM, outs, "5")
    assert any("How it went" in o.text for o in to(outs, ALEX))

    # The weekend: an idea to try, and what they did together.
    clock.set(MONDAY + timedelta(days=5, hours=4))
    outs = await week.command(SAM, "idea")
    outs = await week.tap(SAM, outs, "💡 We'll try it")
    await week.wait(MONDAY + timedelta(days=6, hours=12))
    outs = await week.command(ALEX, "progress")
    together = to(outs, ALEX)[-1].text
    assert "Exercises tried: 1" in together and "Love-maps rounds: 1" in together

    print("\n" + week.transcript)
    assert max(week.unprompted.values()) <= 1, "at most one unprompted message a day each"
    assert not GUILT.search(week.transcript)
