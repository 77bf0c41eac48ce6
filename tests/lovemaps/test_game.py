"""Love maps: answer about yourself, guess your partner, see everything together once."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from bot.lovemaps.models import LoveMapAnswer, LoveMapRound
from bot.storage.models import User, WaitingInput
from tests.lovemaps.conftest import choices, last_to, play
from tests.support.people import ALEX, KIM, SAM, link, texts, unlink


async def rounds(coach) -> list[LoveMapRound]:
    async with coach.sessions() as session:
        return list((await session.exec(select(LoveMapRound).order_by(LoveMapRound.id))).all())


async def test_the_game_needs_a_partner(coach) -> None:
    outs = await coach.run_command(ALEX, "lovemaps")
    assert "/invite" in texts(outs, ALEX)[0]


async def test_a_round_asks_about_yourself_then_for_a_guess(coach) -> None:
    await link(coach, ALEX, SAM)
    menu = await coach.run_command(ALEX, "lovemaps")
    assert [b.data for row in last_to(menu, ALEX).keyboard for b in row] == [
        "lm|d|1",
        "lm|d|2",
        "lm|d|3",
    ]
    asked = await coach.press(ALEX, "lm|d|1")
    first = last_to(asked, ALEX)
    assert first.text.startswith("About you:") and len(choices(first)) >= 2
    guessed = await coach.press(ALEX, choices(first)[0])
    settled, guess = [o for o in guessed if o.chat_id == ALEX.chat_id][:2]
    assert settled.replace and "✓" in settled.text
    assert guess.text.startswith("Now guess what Sam answered")
    assert all(d.startswith("lm|g|") for d in choices(guess))


async def test_the_partner_is_told_once_and_sees_nothing_before_playing(coach) -> None:
    await link(coach, ALEX, SAM)
    outs = await play(coach, ALEX, depth=2, words=("our kitchen", "the sea"))
    [turn_note] = texts(outs, SAM)
    assert "Alex" in turn_note and "our kitchen" not in turn_note and "the sea" not in turn_note
    assert "Sam" in texts(outs, ALEX)[-1]  # "you'll both see both answers once Sam has played"
    again = await coach.run_command(ALEX, "lovemaps")
    assert texts(again, SAM) == [] and "Sam" in texts(again, ALEX)[0]


async def test_both_see_both_answers_and_guesses_in_their_own_language(coach) -> None:
    await link(coach, ALEX, SAM)  # Sam reads Turkish
    await play(coach, ALEX, depth=1, own=0, guess=1)
    outs = await play(coach, SAM, depth=1, own=1, guess=0)
    [to_alex], to_sam = texts(outs, ALEX), texts(outs, SAM)[-1]
    [question] = await rounds(coach)
    own_en, own_tr = (
        {"tea": ("Tea", "Coffee"), "season": ("Spring", "Summer")}[question.question],
        {"tea": ("Çay", "Kahve"), "season": ("İlkbahar", "Yaz")}[question.question],
    )
    assert f"You: {own_en[0]}\nSam guessed: {own_en[0]}" in to_alex
    assert f"Sam: {own_en[1]}\nYou guessed: {own_en[1]}" in to_alex
    assert f"Sen: {own_tr[1]}\nAlex tahmini: {own_tr[1]}" in to_sam
    assert "tam isabet" in to_sam and "spot on" in to_alex


@pytest.mark.parametrize(
    ("alex", "sam", "warm"),
    [
        ((0, 0), (0, 0), "Both guesses spot on"),
        ((0, 0), (1, 0), "One spot on"),
        ((0, 1), (0, 1), "Two new things to learn"),
    ],
)
async def test_a_warm_line_either_way(coach, alex, sam, warm) -> None:
    await link(coach, ALEX, SAM)
    await play(coach, ALEX, depth=1, own=alex[0], guess=alex[1])
    outs = await play(coach, SAM, depth=1, own=sam[0], guess=sam[1])
    assert warm in texts(outs, ALEX)[-1]


async def test_answers_in_words_are_revealed_with_a_gentle_line(coach) -> None:
    await link(coach, ALEX, SAM)
    await play(coach, ALEX, depth=2, words=("Our garden!", "the sea"))
    outs = await play(coach, SAM, depth=2, words=("deniz kenarı", "our garden"))
    to_alex = texts(outs, ALEX)[-1]
    assert "You: Our garden!\nSam guessed: our garden" in to_alex
    assert "One of you got it exactly" in to_alex


async def test_the_reveal_happens_once_even_if_buttons_are_pressed_again(coach) -> None:
    await link(coach, ALEX, SAM)
    first = await coach.press(ALEX, "lm|d|1")
    own = choices(last_to(first, ALEX))[0]
    await play(coach, ALEX, depth=1)
    await play(coach, SAM, depth=1)
    late = await coach.press(ALEX, own)
    assert len(late) == 1 and late[0].notice
    assert all(r.revealed_at is not None for r in await rounds(coach))


async def test_no_question_repeats_until_the_depth_is_used_up(coach) -> None:
    await link(coach, ALEX, SAM)
    for _ in range(4):
        await play(coach, ALEX, depth=1)
        await play(coach, SAM, depth=1)
    asked = [r.question for r in await rounds(coach)]
    assert sorted(asked[:2]) == ["season", "tea"] and sorted(asked[2:]) == ["season", "tea"]
    assert asked[1] != asked[2]


async def test_another_question_after_a_reveal_offers_the_depths_again(coach) -> None:
    await link(coach, ALEX, SAM)
    await play(coach, ALEX, depth=3)
    outs = await play(coach, SAM, depth=3)
    another = [b.data for row in last_to(outs, SAM).keyboard for b in row]
    assert another == ["lm|n"]
    menu = await coach.press(SAM, "lm|n")
    assert "lm|d|2" in [b.data for row in last_to(menu, SAM).keyboard for b in row]


async def test_typed_text_is_taken_only_while_a_typed_answer_is_expected(coach) -> None:
    await link(coach, ALEX, SAM)
    stray = await coach.text(ALEX, "hello there")
    assert "hello there" not in " ".join(texts(stray, ALEX))
    await coach.press(ALEX, "lm|d|2")
    await coach.text(ALEX, "my answer")
    async with coach.sessions() as session:
        [answer] = (await session.exec(select(LoveMapAnswer))).all()
        [question] = (await session.exec(select(WaitingInput))).all()
    assert (answer.own, answer.guess) == ("my answer", None)
    assert (question.feature, question.key, question.ref) == ("lovemaps", "guess", str(answer.id))


async def test_a_typed_answer_is_not_awaited_forever(coach, clock) -> None:
    await link(coach, ALEX, SAM)
    await coach.press(ALEX, "lm|d|2")
    clock.advance(hours=3)
    await coach.text(ALEX, "much later")
    async with coach.sessions() as session:
        [answer] = (await session.exec(select(LoveMapAnswer))).all()
        assert (await session.exec(select(WaitingInput))).all() == []
    assert answer.own is None


async def test_forged_and_stale_buttons_are_refused_kindly(coach) -> None:
    await link(coach, ALEX, SAM)
    outs = await coach.press(ALEX, "lm|d|1")
    own = choices(last_to(outs, ALEX))[0]
    for data in ["lm|d|9", "lm|o|1|99", "lm|x", "lm|o|abc|1", "lm|p|999", "lm|g|1|0"]:
        refused = await coach.press(ALEX, data)
        assert len(refused) == 1 and refused[0].notice, data
    await unlink(coach, ALEX, SAM)
    await link(coach, ALEX, KIM)
    stale = await coach.press(ALEX, own)
    assert len(stale) == 1 and stale[0].notice


async def test_a_paused_partner_is_not_messaged_but_can_still_play(coach, clock) -> None:
    await link(coach, ALEX, SAM)
    async with coach.sessions() as session, session.begin():
        sam = await session.get(User, SAM.user_id)
        assert sam is not None
        sam.nudges_paused_until = clock.now.replace(year=clock.now.year + 1)
        session.add(sam)
    outs = await play(coach, ALEX, depth=1)
    assert texts(outs, SAM) == []
    revealed = await play(coach, SAM, depth=1)
    assert len(texts(revealed, ALEX)) == 1 and len(texts(revealed, SAM)) >= 1


async def finish_together(coach):
    """Both partners get to their last tap, then tap it at the same moment."""
    alex = await coach.press(ALEX, "lm|d|1")
    alex = await coach.press(ALEX, choices(last_to(alex, ALEX))[0])
    sam = await coach.press(SAM, "lm|d|1")
    sam = await coach.press(SAM, choices(last_to(sam, SAM))[0])
    return await asyncio.gather(
        coach.press(ALEX, choices(last_to(alex, ALEX))[0]),
        coach.press(SAM, choices(last_to(sam, SAM))[0]),
    )


async def check_exactly_once(coach) -> None:
    await link(coach, ALEX, SAM)
    for n in range(6):
        outs_a, outs_s = await finish_together(coach)
        everything = outs_a + outs_s
        shown = sorted(
            o.chat_id for o in everything if "guessed:" in o.text or "tahmini:" in o.text
        )
        assert shown == [ALEX.chat_id, SAM.chat_id], f"round {n}: {shown}"
    assert all(r.revealed_at is not None for r in await rounds(coach))


async def test_finishing_at_the_same_moment_reveals_exactly_once(coach) -> None:
    await check_exactly_once(coach)


@pytest.mark.postgres
async def test_finishing_at_the_same_moment_reveals_exactly_once_on_postgres(pg_coach) -> None:
    await check_exactly_once(pg_coach)


@pytest.mark.postgres
async def test_starting_at_the_same_moment_opens_one_round_on_postgres(pg_coach) -> None:
    await link(pg_coach, ALEX, SAM)
    await asyncio.gather(pg_coach.press(ALEX, "lm|d|1"), pg_coach.press(SAM, "lm|d|1"))
    assert len(await rounds(pg_coach)) == 1
