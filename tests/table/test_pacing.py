"""A whole talk at a partner's fastest, through the real PTB Application, against the
strict fake with Telegram's ~20 messages a minute per group switched ON.

Time is virtual and shared: the fake's flood control and the bot's `GroupPace` read
the same clock, each partner's tap or reply takes one second of it (faster than any
person), and the pace's waits move it on. So the test runs in moments, and proves
that no minute of the group ever holds more than Telegram allows: not one 429.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from bot.coach import Coach
from bot.config import load_settings
from bot.engine.content import Content
from bot.telegram.application import build_application, on_started
from bot.telegram.group_pace import GroupPace
from tests.fakes.call_log import OUTPUT_METHODS
from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.recording_request import RecordingRequest, deliver
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram
from tests.support.people import link_rows

GROUP = -100800
LINK = re.compile(r"https://t\.me/\w+\?startgroup=\w+")
ROUNDS = 3
TELEGRAM_PER_GROUP_MINUTE = 20


class Virtual:
    """Seconds that pass only when someone acts or waits."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class Counting(FloodControl):
    """The fake's flood control, noting the (virtual) moment of each message it let through."""

    def __init__(self, limits: FloodLimits, clock: Virtual) -> None:
        super().__init__(limits, clock)
        self.admitted: list[tuple[int | str | None, float]] = []

    def check(self, chat_id: int | str | None = None) -> None:
        super().check(chat_id)
        self.admitted.append((chat_id, self._clock()))


@pytest.fixture
def virtual() -> Virtual:
    return Virtual()


@pytest.fixture
def fake(virtual: Virtual) -> FakeTelegram:
    fake = FakeTelegram()
    fake.flood = Counting(FloodLimits(), virtual)  # every limit on, the group's minute too
    assert fake.flood.limits.group_per_minute == TELEGRAM_PER_GROUP_MINUTE
    return fake


@pytest.fixture
async def app(coach: Coach, fake: FakeTelegram, virtual: Virtual):
    settings = load_settings(telegram_bot_token=DEFAULT_TOKEN)
    pace = GroupPace(
        settings.telegram_group_messages_per_minute, clock=virtual, sleep=virtual.sleep
    )
    application = build_application(
        settings, coach, request=RecordingRequest(fake), rate_limit=False, group_pace=pace
    )
    async with application:
        await on_started(application, coach)
        yield application


def most_in_a_minute(times: list[float]) -> int:
    return max((sum(1 for u in times if t <= u < t + 60) for t in times), default=0)


async def test_a_fast_full_talk_never_meets_the_groups_flood_limit(
    app: Any, fake: FakeTelegram, coach: Coach, content: Content, virtual: Virtual
) -> None:
    t = lambda key, **v: content.t(key, "en", **v)  # noqa: E731
    alex, sam = fake.user(911, "Alex"), fake.user(912, "Sam", language_code="tr")

    async def act(update: Any) -> None:
        virtual.now += 1.0  # a partner's tap or reply: one second, faster than anyone
        await deliver(app, update)

    for person in (alex, sam):
        await act(person.send_command("/start"))
    await link_rows(coach.sessions, alex.id, sam.id)
    await act(alex.send_command("/talk"))
    url = LINK.search(alex.last_text() or "")
    assert url is not None
    group = fake.new_group(GROUP, "Us", alex.id, sam.id)
    start, began = len(fake.calls), virtual.now
    fake.open_startgroup_link(url.group(), alex.id, GROUP)
    while pending := fake.pending_updates():
        await act(pending[0])

    await act(group.press(alex, t("table_start_button")))
    await act(group.press(sam, t("table_topic_ours")))
    speakers = [(alex, sam), (sam, alex)]
    for turn in range(2 * ROUNDS):
        speaker, listener = speakers[turn % 2]
        await act(group.press(speaker, t("table_said_button")))
        await act(group.reply(listener, group.inbox()[-1].message_id, "What I heard is…"))
        if turn == 0:
            await act(group.press(speaker, t("table_not_quite_button")))
            await act(group.press(speaker, t("table_said_button")))
            await act(group.reply(listener, group.inbox()[-1].message_id, "Again…"))
        await act(group.press(speaker, t("table_yes_button")))
    await act(alex.send_text("Sam needs quiet mornings"))
    await act(sam.send_text("Alex wants us to plan together"))

    reveal = group.inbox()[-1].text or ""
    assert "Alex: Sam needs quiet mornings" in reveal, [m.text for m in group.inbox()]
    assert fake.too_many_requests == 0
    calls = [c for c in fake.calls[start:] if c.chat_id == GROUP and c.method in OUTPUT_METHODS]
    assert all(c.ok for c in calls)
    sends = [c for c in calls if c.method == "sendMessage"]
    edits = [c for c in calls if c.method != "sendMessage"]
    times = [at for chat, at in fake.flood.admitted if chat == GROUP]  # type: ignore[attr-defined]
    assert len(times) == len(calls)
    busiest = most_in_a_minute(times)
    assert busiest <= TELEGRAM_PER_GROUP_MINUTE
    print(
        f"\nfast full talk: {len(sends)} sent + {len(edits)} edited in the group, "
        f"at most {busiest} in a minute, {virtual.now - began:.0f} s of talk"
    )
