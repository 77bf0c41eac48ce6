"""Delivery through real PTB against the fake Bot API: flood limits, network errors, hooks."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError
from telegram.ext import ExtBot

from bot.sending import Outcome
from bot.telegram import delivery
from bot.telegram.delivery import deliver
from bot.telegram.ratelimit import GuardedRateLimiter, Lane
from bot.turn import Outbound
from tests.fakes.recording_request import RecordingRequest
from tests.fakes.telegram_core import DEFAULT_TOKEN, FakeTelegram

ALEX, SAM = 1001, 1002
PNG = bytes.fromhex(  # a 1x1 picture
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Hooks:
    def __init__(self, admit: bool = True) -> None:
        self.answer = admit
        self.events: list[tuple[str, str, Any]] = []

    async def admit(self, out: Outbound) -> bool:
        self.events.append(("admit", out.text, None))
        return self.answer

    async def done(self, out: Outbound, outcome: Outcome) -> None:
        self.events.append(("done", out.text, outcome))


class FlakyRequest(RecordingRequest):
    """Fails like a real network would, for the next sendMessage calls, in order.

    "refuse": no connection (the request never left); "lose": the request
    arrived but the response was lost; (code, retry_after): Telegram answered
    with that error.
    """

    def __init__(self, fake: FakeTelegram, *script: str | tuple[int, int | None]) -> None:
        super().__init__(fake)
        self.script = list(script)

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        step = self.script.pop(0) if "sendMessage" in url and self.script else None
        if step == "refuse":
            raise NetworkError("httpx.ConnectError") from httpx.ConnectError("refused")
        if isinstance(step, tuple):
            code, retry_after = step
            body: dict[str, Any] = {"ok": False, "error_code": code, "description": "Error"}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return code, json.dumps(body).encode()
        result = await super().do_request(url, method, request_data, **kw)
        if step == "lose":
            raise NetworkError("httpx.ReadError") from httpx.ReadError("connection reset")
        return result


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram()
    for user_id in (ALEX, SAM, *range(2000, 2040)):
        fake.user(user_id).send_text("/start")  # a private chat the bot may write to
    return fake


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "BACKOFF_SECONDS", 0.01)


async def make_bot(request: RecordingRequest, rate: float | None = 1000) -> ExtBot[Any]:
    limiter = GuardedRateLimiter(rate) if rate else None
    bot: ExtBot[Any] = ExtBot(DEFAULT_TOKEN, request=request, rate_limiter=limiter)
    await bot.initialize()
    return bot


async def pressed_in_group(fake: FakeTelegram, group_id: int) -> tuple[ExtBot[Any], Any, Any]:
    """A bot, a group where it asked "Ready?" with a Go button, and Alex's press on it."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from tests.fakes.recording_request import make_update

    bot = await make_bot(RecordingRequest(fake))
    alex, group = fake.user(ALEX, "Alex"), fake.group(group_id, "Us")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(group.id, "Ready?", reply_markup=keyboard)
    query = make_update(group.press(alex, "Go"), bot).callback_query
    assert query is not None
    return bot, group, query


class Unreachable:
    def __init__(self) -> None:
        self.marked: list[int] = []

    async def __call__(self, user_id: int) -> None:
        self.marked.append(user_id)


def out(chat: int, text: str = "hello", ref: str | None = None) -> Outbound:
    return Outbound(chat, chat, text, ref=ref)


async def test_a_message_is_sent_and_reported(fake) -> None:
    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks()
    outcomes = await deliver(bot, [out(ALEX)], Unreachable(), hooks=hooks)
    assert outcomes == [Outcome.SENT]
    assert hooks.events == [("admit", "hello", None), ("done", "hello", Outcome.SENT)]
    assert [c.params["text"] for c in fake.sent_to(ALEX)] == ["hello"]


async def test_a_private_chat_is_not_held_to_a_groups_twenty_a_minute(fake) -> None:
    """The per-group budget (`GroupPace`) is for groups: a person's own chat that gets more
    in a minute than a group may (a long answer in parts, a reply after a check-in) is
    neither counted nor made to wait by it."""
    from bot.telegram.group_pace import GroupPace

    now, waited = [0.0], []

    async def sleep(seconds: float) -> None:  # a minute that passes at once
        waited.append(seconds)
        now[0] += seconds

    pace = GroupPace(2, 60.0, clock=lambda: now[0], sleep=sleep)
    bot = await make_bot(RecordingRequest(fake))
    outcomes = await deliver(
        bot, [out(ALEX, f"part {i}") for i in range(3)], Unreachable(), pace=pace
    )
    assert outcomes == [Outcome.SENT] * 3
    assert (waited, pace.used(ALEX)) == ([], 0)


async def test_a_blocked_person_is_marked_unreachable(fake) -> None:
    fake.block(ALEX)
    bot, hooks, unreachable = await make_bot(RecordingRequest(fake)), Hooks(), Unreachable()
    outcomes = await deliver(bot, [out(ALEX), out(SAM)], unreachable, hooks=hooks)
    assert outcomes == [Outcome.BLOCKED, Outcome.SENT]
    assert unreachable.marked == [ALEX]
    assert ("done", "hello", Outcome.BLOCKED) in hooks.events


async def test_a_blocked_send_is_recorded_blocked_even_when_marking_the_person_fails(
    fake,
) -> None:
    """Telegram's Forbidden is the truth about that message: a database error while
    marking the person unreachable afterwards must not leave it `unknown`."""
    fake.block(ALEX)
    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks()

    async def failing(user_id: int) -> None:
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):
        await deliver(bot, [out(ALEX)], failing, hooks=hooks)
    assert hooks.events == [("admit", "hello", None), ("done", "hello", Outcome.BLOCKED)]


async def test_a_send_stopped_by_an_error_surfaces_that_error_even_if_recording_fails() -> None:
    """An admitted message whose send stopped on an unexpected error is recorded unknown
    as it stops; when the record cannot be written either (the database went away too),
    the send's own error is what surfaces, for the log to show what went wrong."""

    class Broken:
        async def send_message(self, *_: Any, **__: Any) -> None:
            raise RuntimeError("a bug while sending")

    class DoneFails(Hooks):
        async def done(self, out: Outbound, outcome: Outcome) -> None:
            await super().done(out, outcome)
            raise ConnectionError("database went away")

    hooks = DoneFails()
    with pytest.raises(RuntimeError, match="a bug while sending"):
        await deliver(Broken(), [out(ALEX)], Unreachable(), hooks=hooks)  # type: ignore[arg-type]
    assert hooks.events == [("admit", "hello", None), ("done", "hello", Outcome.UNKNOWN)]


async def test_a_message_whose_admission_failed_is_never_reported(fake) -> None:
    """Only what was admitted (on record as going out) can be `unknown` after an error."""
    bot = await make_bot(RecordingRequest(fake))

    class AdmitFails(Hooks):
        async def admit(self, out: Outbound) -> bool:
            self.events.append(("admit", out.text, None))
            raise ConnectionError("database went away")

    hooks = AdmitFails()
    with pytest.raises(ConnectionError):
        await deliver(bot, [out(ALEX)], Unreachable(), hooks=hooks)
    assert hooks.events == [("admit", "hello", None)]
    assert fake.sent_to(ALEX) == []


async def test_an_error_answer_from_telegram_is_retried_with_backoff(fake) -> None:
    request = FlakyRequest(fake, (500, None), (502, None))
    bot = await make_bot(request)
    assert await deliver(bot, [out(ALEX)], Unreachable()) == [Outcome.SENT]
    assert request.script == [] and len(fake.sent_to(ALEX)) == 1


async def test_a_refused_connection_is_retried(fake, monkeypatch, caplog) -> None:
    """After a pause that doubles, from BACKOFF_SECONDS, and each retry is logged with why."""
    pauses: list[float] = []
    sleep = asyncio.sleep

    async def noted(seconds: float) -> None:
        pauses.append(seconds)
        await sleep(0)

    monkeypatch.setattr(delivery.asyncio, "sleep", noted)
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    request = FlakyRequest(fake, "refuse", "refuse")
    bot = await make_bot(request)
    assert await deliver(bot, [out(ALEX)], Unreachable()) == [Outcome.SENT]
    assert len(fake.sent_to(ALEX)) == 1
    assert pauses == [delivery.BACKOFF_SECONDS, 2 * delivery.BACKOFF_SECONDS]
    said = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.delivery"]
    assert len(said) == 2 and all(m.startswith("network error, will retry: ") for m in said)


def said(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    """What delivery logged at `level` (the operator's view of a message's fate)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.telegram.delivery" and r.levelno == level
    ]


async def test_a_send_that_keeps_failing_is_reported_failed_not_lost_silently(fake, caplog) -> None:
    """No record keeps it to try again later: a warning names its chat and what became of it."""
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    request = FlakyRequest(fake, *[(502, None)] * 10)
    bot, hooks = await make_bot(request), Hooks()
    assert await deliver(bot, [out(ALEX)], Unreachable(), hooks=hooks) == [Outcome.FAILED]
    assert len(request.script) == 10 - (delivery.RETRIES + 1)
    assert fake.sent_to(ALEX) == []
    assert hooks.events[-1] == ("done", "hello", Outcome.FAILED)
    assert [e[0] for e in hooks.events].count("admit") == 1, "admitted once, retried quietly"
    assert said(caplog, logging.WARNING) == [f"a message to chat {ALEX} was not delivered (failed)"]
    assert said(caplog, logging.INFO)[-1] == "network error, certainly not sent: Error"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
async def test_a_flood_wait_hands_a_kept_message_back_to_its_record(fake, caplog) -> None:
    """A message its record keeps (`ref`) is sent once per admission: a flood limit is
    not waited out here but reported FAILED at once, for the record to try again with a
    new admission; the log says so, without the warning of a message lost."""
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks()
    kept = out(ALEX, ref="outbox:7")
    assert await deliver(bot, [kept], Unreachable(), hooks=hooks) == [Outcome.FAILED]
    assert [c.error.code if c.error else 200 for c in fake.calls if c.method == "sendMessage"] == [
        429
    ], "one request, not waited out and repeated"
    assert hooks.events == [("admit", "hello", None), ("done", "hello", Outcome.FAILED)]
    assert said(caplog, logging.INFO) == [
        f"a message to chat {ALEX} failed; its record tries again"
    ]
    assert said(caplog, logging.WARNING) == []


async def test_a_lost_response_is_never_retried_so_nothing_arrives_twice(fake, caplog) -> None:
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    request = FlakyRequest(fake, "lose")
    bot, hooks = await make_bot(request), Hooks()
    assert await deliver(bot, [out(ALEX)], Unreachable(), hooks=hooks) == [Outcome.UNKNOWN]
    assert len(fake.sent_to(ALEX)) == 1, "it did arrive, exactly once"
    assert hooks.events[-1] == ("done", "hello", Outcome.UNKNOWN)
    assert said(caplog, logging.WARNING) == [
        f"a message to chat {ALEX} was not delivered (unknown)"
    ], "someone may be waiting for it: said, naming the chat, never the words"
    assert said(caplog, logging.INFO) == [
        "connection lost while sending; not retrying (httpx.ReadError)"
    ]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
@pytest.mark.parametrize("limiter", [True, False])
@pytest.mark.parametrize("timedelta", ["false", "true"])
async def test_flood_control_is_honoured_by_waiting(
    fake, limiter, timedelta, monkeypatch, caplog
) -> None:
    """The fake, like Telegram, refuses the chat again until the wait it gave is over:
    one refusal in all means the retry waited. PTB gives the wait in seconds today, as a
    timedelta when PTB_TIMEDELTA is set (and in its next major version): both are read.
    Without the rate limiter (which waits it out itself), delivery logs the wait."""
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    bot = await make_bot(RecordingRequest(fake), rate=1000 if limiter else None)
    assert await deliver(bot, [out(ALEX)], Unreachable()) == [Outcome.SENT]
    attempts = [c.error.code if c.error else 200 for c in fake.calls if c.method == "sendMessage"]
    assert attempts == [429, 200]
    waits = [] if limiter else ["flood limit: waiting 1.0 s before sending again"]
    assert said(caplog, logging.INFO) == waits


async def test_a_message_telegram_refuses_is_not_retried_and_the_refusal_is_logged(
    fake, caplog
) -> None:
    """Its chat and Telegram's reason, for the operator (never the words)."""
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found")
    bot = await make_bot(RecordingRequest(fake))
    assert await deliver(bot, [out(ALEX)], Unreachable()) == [Outcome.REFUSED]
    assert len([c for c in fake.calls if c.method == "sendMessage"]) == 1
    refusal = f"Telegram refused a message to chat {ALEX}: Chat not found"
    assert said(caplog, logging.WARNING) == [refusal]


async def test_an_empty_message_is_refused_by_telegram_and_its_record_told(fake) -> None:
    """Nothing to split is still one request: Telegram's refusal is the outcome, and a
    record that admitted it hears so instead of waiting for an answer that never comes."""
    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks()
    outcomes = await deliver(bot, [out(ALEX, "", ref="checkin:1")], Unreachable(), hooks=hooks)
    assert outcomes == [Outcome.REFUSED]
    assert hooks.events == [("admit", "", None), ("done", "", Outcome.REFUSED)]


async def test_a_message_the_job_no_longer_wants_is_not_sent(fake) -> None:
    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks(admit=False)
    assert await deliver(bot, [out(ALEX)], Unreachable(), hooks=hooks) == [Outcome.CANCELLED]
    assert fake.sent_to(ALEX) == []


async def test_admission_happens_after_waiting_for_the_rate_limiter(fake) -> None:
    bot, hooks = await make_bot(RecordingRequest(fake), rate=5), Hooks()
    assert isinstance(bot.rate_limiter, GuardedRateLimiter)
    events: list[tuple[str, Any]] = []
    bot.rate_limiter.pacer.log = events
    admit = hooks.admit

    async def noted(message: Outbound) -> bool:
        events.append(("admit", message.chat_id))
        return await admit(message)

    hooks.admit = noted  # type: ignore[method-assign]
    outs = [out(2000 + i) for i in range(4)]
    await deliver(bot, outs, Unreachable(), hooks=hooks, concurrency=4)
    kinds = [kind for kind, _ in events]
    assert kinds.count("ask") == kinds.count("got") == kinds.count("admit") == 4
    after_asking = [kind for kind in kinds if kind != "ask"]
    assert after_asking == ["got", "admit"] * 4, "each admission right after its slot"
    third_slot = [i for i, kind in enumerate(kinds) if kind == "got"][2]
    assert kinds[:third_slot].count("ask") == 4, "after a burst of two, the rest waited"


class Overlapping(RecordingRequest):
    """Counts requests in flight at once (the fake answers each after its latency)."""

    def __init__(self, fake: FakeTelegram) -> None:
        super().__init__(fake)
        self.now = self.most = 0

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await super().do_request(url, method, request_data, **kw)
        finally:
            self.now -= 1


async def test_chats_are_served_side_by_side_and_each_stays_in_order(fake) -> None:
    fake.latency = 0.05
    request = Overlapping(fake)
    bot = await make_bot(request)
    outs = [out(ALEX, "a1"), out(SAM, "s1"), out(ALEX, "a2"), out(SAM, "s2"), out(ALEX, "a3")]
    await deliver(bot, outs, Unreachable(), concurrency=2)
    assert request.most == 2, "two chats at once, one request each"
    assert [c.params["text"] for c in fake.sent_to(ALEX)] == ["a1", "a2", "a3"]
    assert [c.params["text"] for c in fake.sent_to(SAM)] == ["s1", "s2"]


async def test_without_a_concurrency_chats_are_served_one_after_another(fake) -> None:
    fake.latency = 0.05
    request = Overlapping(fake)
    bot = await make_bot(request)
    outs = [out(ALEX, "a1"), out(SAM, "s1"), out(2000, "x1")]
    assert await deliver(bot, outs, Unreachable()) == [Outcome.SENT] * 3
    assert request.most == 1
    assert [c.params["text"] for c in fake.calls if c.method == "sendMessage"] == ["a1", "s1", "x1"]


async def test_with_a_group_pace_the_concurrency_asked_for_still_bounds_the_chats(fake) -> None:
    """The pace lifts only the one-at-a-time default; a job that asked for two gets two."""
    from bot.telegram.group_pace import GroupPace

    fake.latency = 0.05
    request = Overlapping(fake)
    bot = await make_bot(request)
    outs = [out(ALEX), out(SAM), out(2000), out(2001)]
    outcomes = await deliver(bot, outs, Unreachable(), concurrency=2, pace=GroupPace(20))
    assert outcomes == [Outcome.SENT] * 4
    assert request.most == 2


async def test_even_pacing_stays_under_the_flood_limit(fake) -> None:
    """Telegram's ~30 a second (the fake's default); its speed is measured in `make bench`."""
    bot = await make_bot(RecordingRequest(fake), rate=28)
    outcomes = await deliver(bot, [out(2000 + i) for i in range(40)], Unreachable(), concurrency=8)
    assert outcomes == [Outcome.SENT] * 40
    assert fake.too_many_requests == 0
    assert sorted(c.chat_id for c in fake.calls if c.method == "sendMessage") == list(
        range(2000, 2040)
    )


async def test_concurrent_deliveries_share_one_pace(fake) -> None:
    bot = await make_bot(RecordingRequest(fake), rate=28)
    batches = [[out(2000 + i) for i in range(j, 40, 4)] for j in range(4)]
    await asyncio.gather(*(deliver(bot, b, Unreachable(), concurrency=4) for b in batches))
    assert fake.too_many_requests == 0
    assert len([c for c in fake.calls if c.method == "sendMessage" and c.ok]) == 40


async def test_sending_unpaced_is_refused_by_telegram_s_flood_limit(fake, monkeypatch) -> None:
    """The other side of the two tests above: without the limiter, the fake refuses.
    Its second lasts a minute here: on a loaded machine 40 sends once took over a real
    second, and none was refused (2026-12-03); within a minute they never take that.
    (Its waits, a minute's worth, are not waited out: each refused send gives up.)"""
    import time

    from tests.fakes.flood import FloodControl

    sleep = asyncio.sleep

    async def no_wait(seconds: float) -> None:
        await sleep(0)

    monkeypatch.setattr(delivery.asyncio, "sleep", no_wait)
    fake.flood = FloodControl(fake.flood.limits, clock=lambda: time.monotonic() / 60)
    bot = await make_bot(RecordingRequest(fake), rate=None)
    await deliver(bot, [out(2000 + i) for i in range(40)], Unreachable(), concurrency=8)
    assert fake.too_many_requests > 0


@pytest.mark.parametrize("limiter", [True, False])
async def test_a_text_over_telegram_s_limit_goes_out_whole_in_parts(fake, limiter) -> None:
    """Telegram refuses a message over 4,096 characters ("message is too long"). Sent by a
    background job (its lane) through a bot without Attune's rate limiter, no part carries
    arguments only that limiter reads (PTB refuses them without one)."""
    from dataclasses import replace

    from bot.engine.outputs import KeyButton

    words = [f"w{i:05d}" for i in range(1400)]  # about 9,800 characters
    bot = await make_bot(RecordingRequest(fake), rate=1000 if limiter else None)
    long = replace(out(ALEX, " ".join(words)), keyboard=((KeyButton("Go", "go"),),))
    assert await deliver(bot, [long], Unreachable(), lane=Lane.BULK) == [Outcome.SENT]
    sent = fake.sent_to(ALEX)
    parts = [c.params["text"] for c in sent]
    assert len(parts) == 3 and all(len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == words, "split between words, nothing lost"
    assert ["reply_markup" in c.params for c in sent] == [False, False, True], "buttons last"


@pytest.mark.parametrize("recorded", [True, False])
async def test_every_part_of_a_long_background_message_waits_in_the_background_lane(
    fake, recorded
) -> None:
    """A job's message (BULK) gives way to a person's reply, all its parts, with or
    without a record admitting it (the guard carries the first part's lane)."""
    from bot.telegram.ratelimit import Lane

    bot = await make_bot(RecordingRequest(fake))
    assert isinstance(bot.rate_limiter, GuardedRateLimiter)
    long = out(ALEX, "w " * 5000)  # three parts
    hooks = Hooks() if recorded else None
    assert await deliver(bot, [long], Unreachable(), hooks=hooks, lane=Lane.BULK) == [Outcome.SENT]
    assert len(fake.sent_to(ALEX)) == 3
    assert bot.rate_limiter.pacer.granted == [Lane.BULK] * 3


async def test_an_edit_telegram_finds_unchanged_counts_as_done_and_posts_nothing(fake) -> None:
    """A double tap can ask for the same edit twice; "message is not modified" means
    the message already shows it, so nothing new is sent."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from tests.fakes.recording_request import make_update

    bot = await make_bot(RecordingRequest(fake))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(ALEX, "Ready?", reply_markup=keyboard)
    query = make_update(fake.user(ALEX).press("Go"), bot).callback_query
    assert query is not None
    settled = Outbound(ALEX, ALEX, "Ready? ✓", replace=True)
    for _ in range(2):  # the second edit is refused as "not modified"
        assert await deliver(bot, [settled], Unreachable(), query) == [Outcome.SENT]
    assert [c.params["text"] for c in fake.sent_to(ALEX)] == ["Ready?"], "no duplicate"
    edits = [c for c in fake.calls if c.method == "editMessageText"]
    assert [c.ok for c in edits] == [True, False]
    assert "not modified" in str(edits[1].error)


async def test_an_edit_to_what_the_message_already_shows_is_not_sent(fake) -> None:
    """A press that changes nothing on screen costs no request (a group's minute budget
    counts edits too)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from bot.engine.outputs import KeyButton
    from tests.fakes.recording_request import make_update

    bot = await make_bot(RecordingRequest(fake))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(ALEX, "Ready?", reply_markup=keyboard)
    query = make_update(fake.user(ALEX).press("Go"), bot).callback_query
    assert query is not None
    same = Outbound(ALEX, ALEX, "Ready?", ((KeyButton("Go", "go"),),), replace=True)
    assert await deliver(bot, [same], Unreachable(), query) == [Outcome.SENT]
    assert [c for c in fake.calls if c.method == "editMessageText"] == []
    assert [c.params["text"] for c in fake.sent_to(ALEX)] == ["Ready?"], "nor sent anew"
    other = Outbound(ALEX, ALEX, "Ready?", ((KeyButton("Stop", "stop"),),), replace=True)
    assert await deliver(bot, [other], Unreachable(), query) == [Outcome.SENT]
    assert len([c for c in fake.calls if c.method == "editMessageText"]) == 1
    said_again = Outbound(ALEX, ALEX, "Ready?", same.keyboard, replace=True, append=True)
    assert await deliver(bot, [said_again], Unreachable(), query) == [Outcome.SENT]
    edits = [c for c in fake.calls if c.method == "editMessageText"]
    assert edits[-1].params["text"] == "Ready?\n\nReady?", "added below, even the same words"


@pytest.mark.parametrize("extra", [0, 1])
async def test_an_answer_too_long_to_edit_in_goes_out_anew_whole(fake, extra) -> None:
    """An edit holds Telegram's 4,096 characters at most: up to that the pressed message
    shows the answer; one character more and it goes out as new messages, whole, with no
    edit tried that Telegram would refuse."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from tests.fakes.recording_request import make_update

    bot = await make_bot(RecordingRequest(fake))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(ALEX, "Ready?", reply_markup=keyboard)
    query = make_update(fake.user(ALEX).press("Go"), bot).callback_query
    assert query is not None
    text = "w " * 2047 + "w" * (2 + extra)  # 4,096 characters, or 4,097
    answer = Outbound(ALEX, ALEX, text, replace=True)
    assert await deliver(bot, [answer], Unreachable(), query) == [Outcome.SENT]
    edits = [c.params["text"] for c in fake.calls if c.method == "editMessageText"]
    sent = [c.params["text"] for c in fake.sent_to(ALEX)][1:]
    if extra:
        assert edits == [] and "".join(sent).replace(" ", "") == text.replace(" ", "")
    else:
        assert edits == [text] and sent == []


async def test_a_press_in_a_group_that_became_a_supergroup_is_answered_there(fake) -> None:
    """The pressed message stayed in the old group: the answer goes to the new one."""

    bot, group, query = await pressed_in_group(fake, -100_705)
    moved = fake.migrate_to_supergroup(group.id, by=ALEX)
    settled = Outbound(group.id, group.id, "Ready? ✓", replace=True)
    assert await deliver(bot, [settled], Unreachable(), query) == [Outcome.SENT]
    assert [c.params["text"] for c in fake.sent_to(moved.id)] == ["Ready? ✓"]


async def test_a_press_on_a_message_telegram_no_longer_shows_is_answered(fake) -> None:
    """A button of a message deleted or older than Telegram keeps (an InaccessibleMessage:
    no text, no buttons, and PTB refuses to edit it): the answer is sent anew, once."""
    from telegram import (
        CallbackQuery,
        InaccessibleMessage,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
    )

    from tests.fakes.recording_request import make_update

    bot = await make_bot(RecordingRequest(fake))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(ALEX, "Ready?", reply_markup=keyboard)
    pressed = make_update(fake.user(ALEX).press("Go"), bot).callback_query
    assert pressed is not None
    old = InaccessibleMessage(sent.chat, sent.message_id)
    query = CallbackQuery(pressed.id, pressed.from_user, pressed.chat_instance, message=old)
    query.set_bot(bot)
    answer = Outbound(ALEX, ALEX, "Ready? ✓", replace=True)
    assert await deliver(bot, [answer], Unreachable(), query) == [Outcome.SENT]
    assert [c.params["text"] for c in fake.sent_to(ALEX)] == ["Ready?", "Ready? ✓"]
    assert [c for c in fake.calls if c.method == "editMessageText"] == []


async def pressed(fake: FakeTelegram, bot: Any) -> Any:
    """Alex presses "Go" under a message of Attune's; the press as PTB gives it."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from tests.fakes.recording_request import make_update

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    await bot.send_message(ALEX, "Ready?", reply_markup=keyboard)
    query = make_update(fake.user(ALEX).press("Go"), bot).callback_query
    assert query is not None
    return query


def toasts(fake: FakeTelegram) -> list[str | None]:
    return [c.params.get("text") for c in fake.calls if c.method == "answerCallbackQuery"]


@pytest.mark.parametrize("recorded", [True, False])
async def test_a_short_notice_answers_the_press_itself(fake, recorded) -> None:
    """A notice for the presser is the press's answer (a toast, cut to Telegram's 200
    characters), recorded like a message when there is a record: admitted, then sent."""
    bot = await make_bot(RecordingRequest(fake))
    query = await pressed(fake, bot)
    hooks = Hooks() if recorded else None
    toast = "n" * 250
    notice = Outbound(ALEX, ALEX, toast, notice=True)
    assert await deliver(bot, [notice], Unreachable(), query, hooks=hooks) == [Outcome.SENT]
    assert toasts(fake) == [toast[:200]]
    if hooks is not None:
        assert hooks.events == [("admit", toast, None), ("done", toast, Outcome.SENT)]


async def test_a_notice_answers_a_press_in_a_paced_group_first_and_is_recorded(fake) -> None:
    """In a group kept to its per-minute budget the press is answered before anything
    waits for room; a notice for the presser is still that answer, admitted and recorded
    like a message."""
    from bot.telegram.group_pace import GroupPace

    bot, _group, query = await pressed_in_group(fake, -100_707)
    hooks = Hooks()
    notice = Outbound(ALEX, ALEX, "Saved", notice=True)
    outcomes = await deliver(
        bot, [notice], Unreachable(), query, hooks=hooks, pace=GroupPace(20, 60.0)
    )
    assert outcomes == [Outcome.SENT]
    assert toasts(fake) == ["Saved"]
    assert hooks.events == [("admit", "Saved", None), ("done", "Saved", Outcome.SENT)]


async def test_a_notice_answering_the_press_does_not_hold_back_the_messages_after_it(
    fake,
) -> None:
    bot = await make_bot(RecordingRequest(fake))
    query = await pressed(fake, bot)
    outs = [Outbound(ALEX, ALEX, "Saved", notice=True), Outbound(SAM, SAM, "Alex saved it")]
    assert await deliver(bot, outs, Unreachable(), query) == [Outcome.SENT] * 2
    assert toasts(fake) == ["Saved"]
    assert [c.params["text"] for c in fake.sent_to(SAM)] == ["Alex saved it"]


async def test_a_group_waiting_for_room_does_not_hold_up_a_persons_chat(fake) -> None:
    """With a pace, chats are served side by side even when the caller asked for one at a
    time: a group's wait for its minute never delays the person's own reply."""
    from bot.telegram.group_pace import GroupPace

    room = asyncio.Event()

    async def wait_for_room(seconds: float) -> None:
        await room.wait()

    group = fake.group(-100_709, "Us")
    pace = GroupPace(1, 60.0, sleep=wait_for_room)
    assert await pace.slot(group.id) is not None  # the group's minute is spent
    bot = await make_bot(RecordingRequest(fake))
    outs = [Outbound(group.id, ALEX, "To the table"), Outbound(ALEX, ALEX, "To Alex")]
    sending = asyncio.ensure_future(deliver(bot, outs, Unreachable(), pace=pace))
    try:
        await fake.await_for(lambda c: c.params.get("text") == "To Alex", timeout=5)
        assert fake.sent_to(group.id) == [], "the group still waits for room"
    finally:
        pace.window = 0.0  # the minute is over
        room.set()
    assert await asyncio.wait_for(sending, 5) == [Outcome.SENT] * 2


async def test_a_notice_the_record_no_longer_wants_still_stops_the_spinner(fake) -> None:
    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks(admit=False)
    query = await pressed(fake, bot)
    notice = Outbound(ALEX, ALEX, "Saved", notice=True)
    assert await deliver(bot, [notice], Unreachable(), query, hooks=hooks) == [Outcome.SENT]
    assert toasts(fake) == [None]
    assert hooks.events == [("admit", "Saved", None)], "not sent: nothing more recorded"


async def test_a_press_too_old_to_answer_is_only_noted(fake, caplog) -> None:
    caplog.set_level(logging.DEBUG, "bot.telegram.delivery")
    bot = await make_bot(RecordingRequest(fake))
    query = await pressed(fake, bot)
    fake.fail_next("answerCallbackQuery", 400, "Bad Request: query is too old")
    assert await deliver(bot, [], Unreachable(), query) == []
    said = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.delivery"]
    assert said == ["could not answer callback query: Query is too old"]


async def test_a_press_in_a_group_is_answered_by_editing_the_pressed_message(fake) -> None:

    bot, group, query = await pressed_in_group(fake, -100_701)
    settled = Outbound(group.id, group.id, "Ready? ✓", replace=True)
    assert await deliver(bot, [settled], Unreachable(), query) == [Outcome.SENT]
    assert [c.params["text"] for c in fake.sent_to(group.id)] == ["Ready?"], "no new message"
    assert [c.params["text"] for c in fake.calls if c.method == "editMessageText"] == ["Ready? ✓"]


async def test_an_edit_a_newer_one_replaced_is_recorded_as_superseded() -> None:
    """A paced group edit that a newer edit of the same message replaced while it waited is
    done, unsent: the record that admitted it hears so, rather than keep it waiting."""
    from bot.telegram.ratelimit import SendGuard

    hooks = Hooks()
    edit = out(-1001, "older state")
    guard = SendGuard(lambda: hooks.admit(edit))
    assert await delivery._superseded(edit, guard, hooks) is Outcome.SUPERSEDED
    assert hooks.events == [
        ("admit", "older state", None),
        ("done", "older state", Outcome.SUPERSEDED),
    ]


async def test_an_edit_replaced_while_it_waited_for_the_groups_room_is_recorded_superseded(
    fake,
) -> None:
    """Two presses on one group message while the group's minute is spent: the first
    answer's edit, replaced by the second's before there is room, is never sent, and its
    record hears it was superseded (else it would wait there to be sent stale later)."""
    from bot.telegram.group_pace import GroupPace
    from tests.fakes.recording_request import make_update

    bot, group, first_press = await pressed_in_group(fake, -100_711)
    second_press = make_update(group.press(fake.user(ALEX, "Alex"), "Go"), bot).callback_query
    room = asyncio.Event()

    async def wait_for_room(seconds: float) -> None:
        await room.wait()

    pace = GroupPace(1, 60.0, sleep=wait_for_room)
    assert await pace.slot(group.id) is not None  # the group's minute is spent
    hooks = Hooks()

    def answer(press: Any, text: str) -> asyncio.Future[list[Outcome]]:
        edit = Outbound(group.id, ALEX, text, replace=True)
        return asyncio.ensure_future(
            deliver(bot, [edit], Unreachable(), press, hooks=hooks, pace=pace)
        )

    older = answer(first_press, "State 1")
    await asyncio.sleep(0.05)
    newer = answer(second_press, "State 2")
    await asyncio.sleep(0.05)
    pace.window = 0.0  # the minute is over
    room.set()
    assert await asyncio.wait_for(older, 5) == [Outcome.SUPERSEDED]
    assert await asyncio.wait_for(newer, 5) == [Outcome.SENT]
    assert ("done", "State 1", Outcome.SUPERSEDED) in hooks.events
    edits = [c.params["text"] for c in fake.calls if c.method == "editMessageText"]
    assert edits == ["State 2"]


class Migrating:
    """A bot whose group became a supergroup (once, or again at the new id); then the
    network fails `down` times (certainly not sent) before a send goes through."""

    def __init__(self, moves: int, down: int = 0) -> None:
        self.moves, self.down = moves, down
        self.sent: list[int] = []

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        from telegram.error import ChatMigrated

        if self.moves:
            self.moves -= 1
            raise ChatMigrated(chat_id * 10)
        if self.down:
            self.down -= 1
            raise NetworkError("no connection")  # no cause: the request never left
        self.sent.append(chat_id)


async def test_a_message_to_a_group_that_became_a_supergroup_goes_there_once(caplog) -> None:
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    bot = Migrating(moves=1)
    assert await deliver(bot, [out(-100, "hello")], Unreachable()) == [Outcome.SENT]  # type: ignore[arg-type]
    assert bot.sent == [-1000]
    said = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.delivery"]
    assert "chat -100 is now supergroup -1000; sending there" in said


@pytest.mark.parametrize("down", [delivery.RETRIES, delivery.RETRIES + 1])
async def test_a_move_to_a_supergroup_is_not_counted_as_a_failed_try(down) -> None:
    """Telegram's "moved" is an answer: the message still gets all its retries at the
    new chat, and no more."""
    bot = Migrating(moves=1, down=down)
    outcome = Outcome.SENT if down == delivery.RETRIES else Outcome.FAILED
    assert await deliver(bot, [out(-100, "hello")], Unreachable()) == [outcome]  # type: ignore[arg-type]
    assert bot.down == 0, "every retry was made"
    assert bot.sent == ([-1000] if outcome is Outcome.SENT else [])


async def test_a_group_that_moves_again_while_sending_is_not_followed_twice(caplog) -> None:
    caplog.set_level(logging.INFO, "bot.telegram.delivery")
    bot = Migrating(moves=5)
    assert await deliver(bot, [out(-100, "hello")], Unreachable()) == [Outcome.REFUSED]  # type: ignore[arg-type]
    assert bot.sent == [] and bot.moves == 3, "asked twice, then given up"
    said = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.delivery"]
    assert "chat -1000 moved twice while sending; not sent" in said


def test_a_long_text_is_split_without_an_empty_last_part() -> None:
    from bot.telegram.delivery import split_text

    assert split_text("") == []
    assert split_text("word " * 3 + " " * 20, limit=10) == ["word word", "word"]


def test_a_long_text_is_cut_at_its_last_break_within_the_limit() -> None:
    from bot.telegram.delivery import split_text

    text = "a\nbcdefghij\nklmno\npq"  # line breaks at 1, 11 and 17; the limit is 14
    assert split_text(text, limit=14) == ["a\nbcdefghij", "klmno\npq"]
    assert split_text("one two three four", limit=12) == ["one two", "three four"]


def test_a_text_exactly_at_the_limit_is_one_part() -> None:
    from bot.telegram.delivery import split_text

    assert split_text("abcdefg hi", limit=10) == ["abcdefg hi"]


def test_a_break_in_the_first_half_is_passed_over_for_a_hard_cut() -> None:
    """Cutting there would leave a stub of a part: a full part is cut mid-word instead."""
    from bot.telegram.delivery import split_text

    assert split_text("abcd efghijklmn", limit=10) == ["abcd efghi", "jklmn"]
    assert split_text("abcde fghijkl", limit=10) == ["abcde fghi", "jkl"], "half is not past it"
    assert split_text("abcdef ghijkl", limit=10) == ["abcdef", "ghijkl"]


async def test_a_document_goes_with_its_name_and_caption(fake) -> None:
    """Admitted and recorded like any message (the record's exactly-once holds for files)."""
    from dataclasses import replace

    from bot.turn import Document

    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks()
    data = Document("attune-my-data.json", b"{}", caption="Everything stored about you")
    document = replace(out(ALEX, ""), attachment=data)
    assert await deliver(bot, [document], Unreachable(), hooks=hooks) == [Outcome.SENT]
    assert hooks.events == [("admit", "", None), ("done", "", Outcome.SENT)]
    [sent] = [c for c in fake.calls if c.method == "sendDocument"]
    assert sent.chat_id == ALEX
    assert sent.params["caption"] == "Everything stored about you"
    file = sent.files["document"]
    assert (file.filename, file.data) == ("attune-my-data.json", b"{}")


async def test_a_picture_goes_with_its_caption(fake) -> None:
    """Admitted and recorded like any message: a weekly picture goes out once."""
    from dataclasses import replace

    from bot.turn import Photo

    bot, hooks = await make_bot(RecordingRequest(fake)), Hooks()
    picture = replace(out(ALEX, ""), attachment=Photo(PNG, caption="Your week"))
    assert await deliver(bot, [picture], Unreachable(), hooks=hooks) == [Outcome.SENT]
    assert hooks.events == [("admit", "", None), ("done", "", Outcome.SENT)]
    [sent] = [c for c in fake.calls if c.method == "sendPhoto"]
    assert sent.chat_id == ALEX and sent.params["caption"] == "Your week"
    assert sent.files["photo"].data == PNG


async def test_messages_to_a_group_keep_to_its_budget(fake) -> None:
    """With a pace, a second message to a group over its budget waits for the window."""
    from bot.telegram.group_pace import GroupPace

    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = GroupPace(1, 60.0, clock=lambda: now[0], sleep=sleep)
    group = fake.group(-100_702, "Us")
    bot = await make_bot(RecordingRequest(fake))
    sent = await deliver(
        bot, [out(group.id, "one"), out(group.id, "two")], Unreachable(), pace=pace
    )
    assert sent == [Outcome.SENT, Outcome.SENT]
    assert slept == [60.0], "the second waited for the first's minute"
    assert [c.params["text"] for c in fake.sent_to(group.id)] == ["one", "two"]


async def test_of_two_edits_waiting_for_a_groups_room_only_the_newer_is_made(fake) -> None:
    """Two presses' edits of one group message wait for the group's minute: only the
    newest state is shown, the older is done unsent (superseded)."""

    from bot.telegram.group_pace import GroupPace
    from tests.support.waiting import until

    now = [0.0]
    gate = asyncio.Event()
    waiting: list[float] = []

    async def sleep(seconds: float) -> None:
        waiting.append(seconds)
        await gate.wait()
        now[0] += seconds

    pace = GroupPace(1, 60.0, clock=lambda: now[0], sleep=sleep)
    bot, group, query = await pressed_in_group(fake, -100_703)
    assert await pace.slot(group.id) is not None  # the group's minute is used up
    older, newer = (
        asyncio.ensure_future(
            deliver(
                bot,
                [Outbound(group.id, group.id, text, replace=True)],
                Unreachable(),
                query,
                pace=pace,
            )
        )
        for text in ("state 1", "state 2")
    )
    await until(lambda: len(waiting) == 2, what="both edits waiting for room")
    answered = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert answered, "the press is answered at once (its spinner stops), not after the wait"
    gate.set()
    assert await asyncio.wait_for(older, 10) == [Outcome.SUPERSEDED]
    assert await asyncio.wait_for(newer, 10) == [Outcome.SENT]
    edits = [c.params["text"] for c in fake.calls if c.method == "editMessageText"]
    assert edits == ["state 2"]


async def test_a_group_message_held_up_on_its_way_counts_from_when_it_left() -> None:
    """The shared limiter may hold a request after the group gave it room: the group's
    minute then counts it from when it left, as Telegram does."""
    from bot.telegram.group_pace import GroupPace

    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    class HeldUp:
        """Each request leaves 30 s after it was given room."""

        async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
            now[0] += 30

        async def edit_message_text(self, text: str, **_: Any) -> None:  # the pressed one
            now[0] += 30

        async def answer(self, *_: Any) -> None:
            return None

    from types import SimpleNamespace

    group = -100_704
    pace = GroupPace(1, 60.0, clock=lambda: now[0], sleep=sleep)
    two = [out(group, "one"), out(group, "two")]
    assert await deliver(HeldUp(), two, Unreachable(), pace=pace) == [Outcome.SENT] * 2  # type: ignore[arg-type]
    assert slept == [60.0], "a minute after the first left (at 30 s), not after its room"
    press = HeldUp()
    press.from_user = SimpleNamespace(id=ALEX)  # type: ignore[attr-defined]
    press.message = SimpleNamespace(  # type: ignore[attr-defined]
        chat=SimpleNamespace(id=group), message_id=5, text="?", is_accessible=True
    )
    edit_then_new = [Outbound(group, group, "edited", replace=True), out(group, "three")]
    outcomes = await deliver(HeldUp(), edit_then_new, Unreachable(), press, pace=pace)  # type: ignore[arg-type]
    assert outcomes == [Outcome.SENT] * 2
    assert slept[1:] == [60.0, 60.0], "an edit held up counts from when it left too"
