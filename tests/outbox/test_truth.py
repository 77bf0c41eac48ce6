"""The person is told only what is true: a message to a partner that could not be
delivered is named to its sender (never its words), and a time-bound message past
its moment is marked expired, never sent."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.nudges.models import NudgeAnswer
from bot.outbox.models import CLAIMED, EXPIRED, FAILED, SENDING, SENT
from bot.outbox.store import OUTBOX, UNDELIVERED_KIND, Outbox, outbox_id
from bot.sending import Outcome
from bot.storage import repo
from bot.storage.db import session_factory
from bot.storage.models import Reflection, User
from bot.turn import Outbound
from tests.support.clock import Clock

ALEX, SAM = 1001, 1002
SECRET = "the night we almost split up, I kept the ring in my pocket"


@pytest.fixture
def sessions(db_engine):
    return session_factory(db_engine)


@pytest.fixture
def outbox(sessions, clock: Clock, content) -> Outbox:
    return Outbox(sessions, clock, owner="first", content=content)


@pytest.fixture
async def reflection(sessions, clock: Clock) -> int:
    """Alex (English) and Sam (Turkish), and Alex's answer, shared with Sam."""
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, ALEX, ALEX, "Alex", "en", clock.now)
        await repo.ensure_user(s, SAM, SAM, "Sam", "tr", clock.now)
        row = Reflection(
            user_id=ALEX, dialog="redefining", node="familiar", key="k", text=SECRET, shared=True
        )
        s.add(row)
        await s.flush()
        assert row.id is not None
        return row.id


def shared_answer(reflection: int, piece: str = SECRET) -> Outbound:
    about = json.dumps({"dialog": "redefining", "reflection": reflection})
    text = f"Alex shared an answer with you:\n\n{piece}"
    return Outbound(SAM, SAM, text, kind="partner_shared", sender_id=ALEX, about=about)


async def stage(outbox: Outbox, *outs: Outbound) -> list[Outbound]:
    async with outbox.sessions() as session, session.begin():
        return await outbox.stage(session, outs, outbox.clock())


async def rows(outbox: Outbox, **where: object) -> list:
    query = select(OUTBOX).where(*(OUTBOX.c[k] == v for k, v in where.items()))
    async with outbox.sessions() as session:
        return list((await session.exec(query)).all())


async def notices(outbox: Outbox) -> list[Outbound]:
    """What the next sweep sends Alex (the notice is nobody's claim: it goes at once)."""
    return [o for o in await outbox.reclaim() if o.chat_id == ALEX]


async def is_shared(outbox: Outbox, reflection: int) -> bool:
    async with outbox.sessions() as session:
        row = await session.get(Reflection, reflection)
        assert row is not None and row.text == SECRET, "the answer itself is kept"
        return row.shared


async def test_a_blocked_partner_is_named_to_the_sender_without_the_words(
    outbox: Outbox, reflection: int, content, caplog: pytest.LogCaptureFixture
) -> None:
    # a long answer goes in two pieces: one notice for both
    staged = await stage(outbox, shared_answer(reflection, "part one"), shared_answer(reflection))
    caplog.set_level(logging.INFO, "bot.outbox")
    for out in staged:
        assert await outbox.admit(out)
        await outbox.done(out, Outcome.BLOCKED)
    logged = [r.getMessage() for r in caplog.records if "its sender will be told" in r.getMessage()]
    assert logged == [
        f"a partner_shared to chat {SAM} was not delivered (blocked); its sender will be told"
    ]
    await outbox.renew()  # this process keeping its own claims: the notice is nobody's
    [told] = await notices(outbox)
    title = content.title("redefining", "en")
    what = content.t("undelivered_what_partner_shared", "en", title=title)
    assert told.text == content.t("undelivered_blocked", "en", what=what, partner="Sam")
    assert f"“{title}”" in told.text and "Sam" in told.text
    assert SECRET not in told.text and "part one" not in told.text
    for row in await rows(outbox):
        assert SECRET not in json.dumps(row._asdict(), default=str)
    assert not await is_shared(outbox, reflection), "it can be shared again later"
    assert await notices(outbox) == [], "told once"


async def test_each_message_that_did_not_arrive_is_told_even_after_an_earlier_notice(
    outbox: Outbox, reflection: int, clock: Clock
) -> None:
    """Told once per message (its pieces share its moment), not once per sender: a break's
    notice that does not arrive after the shared answer is told too; and only the answer
    the message carried is unshared, not another one Alex shared."""
    async with outbox.sessions() as s, s.begin():
        other = Reflection(
            user_id=ALEX, dialog="redefining", node="n", key="k", text="x", shared=True
        )
        s.add(other)
        await s.flush()
        assert other.id is not None
        kept = other.id
    notice = Outbound(SAM, SAM, "a break", kind="cooldown_notice", sender_id=ALEX)
    for message in (shared_answer(reflection), notice):
        [out] = await stage(outbox, message)
        assert await outbox.admit(out)
        await outbox.done(out, Outcome.BLOCKED)
        assert len(await notices(outbox)) == 1, message.kind
        clock.advance(seconds=30)
    assert not await is_shared(outbox, reflection)
    async with outbox.sessions() as s:
        untouched = await s.get(Reflection, kept)
        assert untouched is not None and untouched.shared, "an answer no message carried"


async def test_the_sender_is_told_when_the_tries_give_up_about_a_day_later(
    outbox: Outbox, reflection: int, clock: Clock, content, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot")
    start = clock.now
    [out] = await stage(outbox, shared_answer(reflection))
    tries = 0
    while True:
        assert await outbox.admit(out)
        tries += 1
        await outbox.done(out, Outcome.FAILED)  # a 500, or no connection: certainly not sent
        [row] = await rows(outbox, id=outbox_id(out.ref))
        if row.status == FAILED:
            break
        assert row.status == CLAIMED and await notices(outbox) == []
        clock.set(row.lease_until + timedelta(seconds=1))  # the pause, simulated
        [out] = await outbox.reclaim()
    waited = clock.now - start
    print(f"\ngave up after {tries} tries over {waited}")
    assert tries == outbox.record.retry.attempts
    assert timedelta(hours=20) < waited < timedelta(hours=30)
    assert row.body is None
    gave_up = [m for m in caplog.messages if m.startswith("gave up")]
    assert gave_up == [f"gave up a message to chat {SAM} after {tries} tries"], "no words"
    [told] = await notices(outbox)
    assert told.text.startswith(
        content.t("undelivered_gave_up", "en", what="X", partner="Sam")[:20]
    )
    assert "Sam" in told.text and SECRET not in told.text
    assert not await is_shared(outbox, reflection)


async def quiet(outbox: Outbox, on: bool) -> None:
    async with outbox.sessions() as s, s.begin():
        user = await s.get(User, ALEX)
        assert user is not None
        user.quiet = on


async def test_a_sender_in_quiet_mode_hears_nothing_about_the_partner_not_even_later(
    outbox: Outbox, reflection: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Quiet mode (bot.safety.quiet) means nothing about the partner: the notice is
    dropped, not kept until quiet mode ends (by then it would be stale news)."""
    [out] = await stage(outbox, shared_answer(reflection))
    await quiet(outbox, True)
    caplog.set_level(logging.INFO, "bot")
    assert await outbox.admit(out)
    await outbox.done(out, Outcome.BLOCKED)
    assert await notices(outbox) == []
    assert await rows(outbox, kind=UNDELIVERED_KIND) == []
    assert not await is_shared(outbox, reflection), "the answer is kept, unshared"
    assert f"a partner_shared to chat {SAM} was not delivered; its sender is not told" in (
        caplog.text
    )
    await quiet(outbox, False)
    assert await notices(outbox) == [], "nothing was kept for later"
    assert await rows(outbox, kind=UNDELIVERED_KIND) == []


async def test_a_shared_check_in_note_is_unshared_again_when_it_cannot_be_delivered(
    outbox: Outbox, reflection: int, content
) -> None:
    async with outbox.sessions() as s, s.begin():
        note = NudgeAnswer(user_id=ALEX, kind="curiosity", prompt="p", text=SECRET, shared=True)
        s.add(note)
        await s.flush()
        note_id = note.id
    about = json.dumps({"answer": note_id})
    text = f"Alex shared a note with you:\n\n{SECRET}"
    out = Outbound(SAM, SAM, text, kind="nudge_curiosity_shared", sender_id=ALEX, about=about)
    [staged] = await stage(outbox, out)
    assert await outbox.admit(staged)
    await outbox.done(staged, Outcome.REFUSED)
    [told] = await notices(outbox)
    what = content.t("undelivered_what_nudge_curiosity_shared", "en")
    assert told.text == content.t("undelivered_refused", "en", what=what, partner="Sam")
    assert SECRET not in told.text
    async with outbox.sessions() as s:
        kept = await s.get(NudgeAnswer, note_id)
        assert kept is not None and kept.text == SECRET, "the note itself is kept (/mydata)"
        assert not kept.shared, "it can be shared again later"
    assert await is_shared(outbox, reflection), "only what the message named is unshared"


async def test_a_message_without_a_description_or_a_sender_tells_nobody(
    outbox: Outbox, reflection: int
) -> None:
    plain = Outbound(SAM, SAM, "Alex joined you", kind="linked_inviter")
    link_news = Outbound(SAM, SAM, "hello", kind="some_kind_with_no_words", sender_id=ALEX)
    for out in await stage(outbox, plain, link_news):
        assert await outbox.admit(out)
        await outbox.done(out, Outcome.BLOCKED)
    assert await notices(outbox) == []


async def test_a_cue_past_its_moment_is_expired_not_sent_and_logged_without_words(
    outbox: Outbox, reflection: int, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    cue = Outbound(
        ALEX,
        ALEX,
        "Breathe in slowly… 1, 2, 3, 4",
        kind="cooldown_breath",
        useful_until=clock.now + timedelta(seconds=20),
    )
    [out] = await stage(outbox, cue)
    assert await outbox.admit(out)
    await outbox.done(out, Outcome.FAILED)  # the outage begins
    clock.advance(hours=2)  # and lasts
    caplog.set_level(logging.INFO, "bot")
    assert await outbox.reclaim() == [], "never sent after the outage"
    [row] = await rows(outbox, id=outbox_id(out.ref))
    assert (row.status, row.body) == (EXPIRED, None)
    logged = [r.getMessage() for r in caplog.records if "expired" in r.getMessage()]
    assert logged == [f"a message to chat {ALEX} expired unsent (cooldown_breath)"]
    assert "Breathe" not in caplog.text


async def test_admit_refuses_and_expires_a_cue_whose_moment_passed_while_it_waited(
    outbox: Outbox, reflection: int, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A send that waited for a pace slot until the cue's moment is not made: at its
    very moment it is already too late. Its expiry is logged by kind, never its words."""
    cue = Outbound(ALEX, ALEX, "Breathe out", kind="cooldown_breath")
    fresh, stale, plain = await stage(
        outbox,
        Outbound(ALEX, ALEX, "Breathe in", useful_until=clock.now + timedelta(minutes=1)),
        Outbound(**{**cue.__dict__, "useful_until": clock.now + timedelta(seconds=10)}),
        Outbound(ALEX, ALEX, "Hold", useful_until=clock.now + timedelta(seconds=10)),
    )
    clock.advance(seconds=10)
    caplog.set_level(logging.INFO, "bot")
    assert await outbox.admit(fresh)
    assert not await outbox.admit(stale)
    assert not await outbox.admit(plain)
    for out in (stale, plain):
        [row] = await rows(outbox, id=outbox_id(out.ref))
        assert row.status == EXPIRED and row.body is None
    logged = [r.getMessage() for r in caplog.records if "expired" in r.getMessage()]
    assert logged == [
        f"a message to chat {ALEX} expired unsent (cooldown_breath)",
        f"a message to chat {ALEX} expired unsent (no kind)",
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the embedded one's
async def test_the_embedded_databases_fast_path_refuses_and_expires_a_stale_cue_too(
    db_engine, outbox: Outbox, reflection: int, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """On a SQLite file the transport admits through the fast path (`DirectSqlite`, one
    prepared statement, ~0.1 ms): a cue past its moment is refused and expired there too."""
    from bot.storage.sqlite_direct import DirectSqlite

    outbox.direct = DirectSqlite.for_engine(db_engine)
    assert outbox.direct is not None
    fresh, stale = await stage(
        outbox,
        Outbound(ALEX, ALEX, "Breathe in", useful_until=clock.now + timedelta(minutes=1)),
        Outbound(ALEX, ALEX, "Hold", kind="cooldown_breath", useful_until=clock.now),
    )
    caplog.set_level(logging.INFO, "bot")
    assert await outbox.admit(fresh)
    assert not await outbox.admit(stale)
    [row] = await rows(outbox, id=outbox_id(fresh.ref))
    assert (row.status, row.attempts) == (SENDING, 1), "the try is counted"
    [row] = await rows(outbox, id=outbox_id(stale.ref))
    assert row.status == EXPIRED and row.body is None
    logged = [r.getMessage() for r in caplog.records if "expired" in r.getMessage()]
    assert logged == [f"a message to chat {ALEX} expired unsent (cooldown_breath)"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the fast path's
@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "batched"])
async def test_only_a_message_that_went_out_has_a_sent_time(
    db_engine, outbox: Outbox, reflection: int, clock: Clock, fast: bool
) -> None:
    """`sent_at` says when Telegram took the message, which a group's per-minute budget
    counts from (`sent_ages`); a blocked, refused or unknown send has none, on the
    embedded database's fast path (`DirectSqlite`) as on the batched one."""
    from bot.storage.sqlite_direct import DirectSqlite

    if fast:
        outbox.direct = DirectSqlite.for_engine(db_engine)
    outcomes = (Outcome.SENT, Outcome.BLOCKED, Outcome.REFUSED, Outcome.UNKNOWN)
    staged = await stage(outbox, *(Outbound(ALEX, ALEX, f"Note {n}") for n in range(4)))
    clock.advance(seconds=30)
    for out, outcome in zip(staged, outcomes, strict=True):
        assert await outbox.admit(out)
        await outbox.done(out, outcome)
    found = {}
    for out, outcome in zip(staged, outcomes, strict=True):
        [row] = await rows(outbox, id=outbox_id(out.ref))
        found[outcome] = row.sent_at
    assert found == {
        Outcome.SENT: clock.now,
        Outcome.BLOCKED: None,
        Outcome.REFUSED: None,
        Outcome.UNKNOWN: None,
    }


async def test_a_cue_refused_because_it_was_already_sent_stays_sent(
    outbox: Outbox, reflection: int, clock: Clock
) -> None:
    """Expiring touches only messages still waiting: a second admit of a cue that went out
    (past its moment now) is refused, and its record still says it was sent."""
    [cue] = await stage(
        outbox, Outbound(ALEX, ALEX, "Breathe in", useful_until=clock.now + timedelta(seconds=5))
    )
    assert await outbox.admit(cue)
    await outbox.done(cue, Outcome.SENT)
    clock.advance(seconds=10)
    assert not await outbox.admit(cue)
    [row] = await rows(outbox, id=outbox_id(cue.ref))
    assert row.status == SENT


async def test_the_migration_matches_the_outbox_model(db_engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.schema import metadata

    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [c for c in compare_metadata(context, metadata) if "outbox" in str(c)]

    async with db_engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_a_chats_recent_sends_are_remembered_by_age(
    outbox: Outbox, reflection: int, clock: Clock
) -> None:
    """A group's per-minute budget survives a restart: each message sent (or being sent,
    which may have arrived: counted from when it was staged) within the window, by age;
    not one still waiting its turn, nor one Telegram refused."""
    sent, sending, _waiting, refused = await stage(
        outbox, *(Outbound(ALEX, ALEX, text) for text in ("one", "two", "three", "four"))
    )
    assert await outbox.admit(refused)
    await outbox.done(refused, Outcome.REFUSED)
    clock.advance(seconds=5)
    assert await outbox.admit(sent)
    await outbox.done(sent, Outcome.SENT)
    assert await outbox.admit(sending)
    clock.advance(seconds=10)
    assert sorted(await outbox.sent_ages(ALEX, 60)) == [10.0, 15.0]
    assert await outbox.sent_ages(ALEX, 12) == [10.0]
    assert await outbox.sent_ages(SAM, 60) == []


async def test_the_sender_is_told_in_their_own_language(
    outbox: Outbox, reflection: int, content
) -> None:
    about = json.dumps({"dialog": "redefining"})
    [out] = await stage(
        outbox, Outbound(ALEX, ALEX, "words", kind="partner_shared", sender_id=SAM, about=about)
    )
    assert await outbox.admit(out)
    await outbox.done(out, Outcome.BLOCKED)
    told = [o for o in await outbox.reclaim() if o.chat_id == SAM]
    what = content.t(
        "undelivered_what_partner_shared", "tr", title=content.title("redefining", "tr")
    )
    assert [o.text for o in told] == [
        content.t("undelivered_blocked", "tr", what=what, partner="Alex")
    ]
