"""The relationship check: one message, one tap per statement, then where to start and why."""

from __future__ import annotations

import asyncio

import pytest

from bot.path.install import check_questions
from tests.support.people import ALEX, SAM, buttons, link, texts

ORDER = [
    "redefining",
    "pressure",
    "chemistry",
    "safety",
    "calming",
    "physical",
    "fragile",
    "stability",
    "communication",
    "autonomy",
    "transitions",
    "relearning",
]
SCALE = {"Rarely": 1, "Sometimes": 2, "Often": 3, "Almost always": 4}


def answer_buttons(out) -> dict[int, str]:
    """Scale value -> button data, read from the check message (labels in either language)."""
    found = [b.data for row in out.keyboard for b in row if b.data.startswith("pa|a|")]
    return {int(d.rsplit("|", 1)[1]): d for d in found}


async def take_check(coach, person, **answers: int) -> list:
    """Answer every statement: 4 (almost always) unless named; returns the last replies."""
    outs = await coach.run_command(person, "check")
    for section in ORDER:
        [question] = [o for o in outs if o.chat_id == person.chat_id and answer_buttons(o)]
        outs = await coach.press(person, answer_buttons(question)[answers.get(section, 4)])
    return outs


def test_the_check_has_one_statement_per_section_in_order() -> None:
    from bot.config import PROJECT_ROOT

    questions = check_questions(PROJECT_ROOT / "data", ("en", "tr"))
    assert [q.section for q in questions] == ORDER


async def test_the_check_is_one_message_edited_tap_by_tap(coach) -> None:
    await link(coach, ALEX, SAM)
    [first] = await coach.run_command(ALEX, "check")
    assert first.text.startswith("🧭") and "1/12" in first.text and "Sam" in first.text
    assert [b.label for row in first.keyboard for b in row] == list(SCALE)
    second = await coach.press(ALEX, answer_buttons(first)[3])
    [edited] = second
    assert edited.replace and "2/12" in edited.text and "🧭" not in edited.text
    again = await coach.press(ALEX, answer_buttons(first)[3])  # a double tap changes nothing
    assert [o.text for o in again] == [edited.text]


async def test_when_done_the_lowest_answers_come_first_with_their_reason(coach) -> None:
    outs = await take_check(coach, ALEX, safety=1, transitions=2)
    done, result = [o for o in outs if o.chat_id == ALEX.chat_id]
    assert done.replace and "All 12 answered" in done.text
    lines = result.text.splitlines()
    assert "Feeling safe with each other — you said saying what's on your mind" in lines[2]
    assert "— you said changes don't always feel like teamwork" in lines[3]
    labels = [b.label for row in result.keyboard for b in row]
    assert labels[:2] == [
        "✨ Feeling safe with each other",
        "✨ " + coach.content.title("transitions", "en"),
    ]
    assert not any("Compare" in label for label in labels), "nobody to compare with"


async def test_a_finished_check_cannot_be_changed_and_is_ready_again_after_four_weeks(
    coach, clock
) -> None:
    await take_check(coach, ALEX)
    [too_soon] = texts(await coach.run_command(ALEX, "check"), ALEX)
    assert "02.03.2026" in too_soon and "30.03.2026" in too_soon
    first = await coach.run_command(ALEX, "check")
    assert not answer_buttons(first[0])
    clock.advance(days=28)
    hello, again = await coach.run_command(ALEX, "check")
    assert hello.text.startswith("Welcome back"), "four weeks away: welcomed first"
    assert "1/12" in again.text


async def test_the_second_check_brings_a_picture_of_the_change(coach, clock) -> None:
    await take_check(coach, ALEX, safety=1, physical=2)
    clock.advance(days=29)
    outs = await take_check(coach, ALEX, safety=3, physical=2)
    [picture] = [o for o in outs if o.attachment is not None]
    assert picture.attachment.content.startswith(b"\x89PNG")
    assert "biggest step forward: Feeling safe with each other" in picture.attachment.caption


async def test_a_stale_or_forged_check_button_is_refused(coach) -> None:
    outs = await coach.run_command(ALEX, "check")
    stale = answer_buttons(outs[0])[2]
    await take_check(coach, ALEX)
    for data in [stale, "pa|a|1|99|2", "pa|a|1|0|9", "pa|a|999|0|2", "pa|c|x", "pa|q"]:
        refused = await coach.press(ALEX, data)
        assert len(refused) == 1 and refused[0].notice, data


async def test_someone_elses_check_cannot_be_answered(coach) -> None:
    await link(coach, ALEX, SAM)
    [alex_first] = await coach.run_command(ALEX, "check")
    refused = await coach.press(SAM, answer_buttons(alex_first)[1])
    assert len(refused) == 1 and refused[0].notice


async def test_a_partners_answers_never_shape_my_suggestions(coach) -> None:
    await link(coach, ALEX, SAM)
    await take_check(coach, SAM, safety=1, physical=1)
    outs = await take_check(coach, ALEX)
    result = texts(outs, ALEX)[-1]
    assert "Feeling safe" not in result and "Touch" not in result
    assert texts(outs, SAM) == []


# -- comparing -------------------------------------------------------------------------------


def compare_button(outs, person) -> str:
    return next(d for label, d in buttons(outs, person).items() if "🤝" in label)


async def test_comparing_needs_both_partners_to_choose_it(coach) -> None:
    await link(coach, ALEX, SAM)
    alex_done = await take_check(coach, ALEX, safety=1, pressure=4)
    await take_check(coach, SAM, safety=4, pressure=4)
    asked = await coach.press(ALEX, compare_button(alex_done, ALEX))
    [waiting] = texts(asked, ALEX)
    assert "nothing is shared" in waiting
    [invitation] = texts(asked, SAM)
    assert "Alex" in invitation and "never each other's answers" not in invitation  # Sam reads tr
    shown = await coach.press(SAM, compare_button(asked, SAM))
    [to_alex], [to_sam] = texts(shown, ALEX), texts(shown, SAM)
    alike, differ = to_alex.split("Where you see things differently")
    assert "Feeling safe with each other" in differ and "Feeling safe" not in alike
    assert coach.content.title("pressure", "en") in alike
    assert coach.content.title("safety", "tr") in to_sam.split("Farklı gördüğünüz")[1]
    for text in (to_alex, to_sam):
        assert not any(
            word in text for word in ("Rarely", "Almost always", "Nadiren", " 1 ", " 4 ")
        )
    again = await coach.press(SAM, compare_button(asked, SAM))
    assert len(again) == 1 and again[0].notice


async def test_asking_to_compare_before_the_partner_took_the_check(coach) -> None:
    await link(coach, ALEX, SAM)
    done = await take_check(coach, ALEX)
    outs = await coach.press(ALEX, compare_button(done, ALEX))
    assert "Once Sam has taken the check" in texts(outs, ALEX)[0] and texts(outs, SAM) == []


async def test_not_now_shares_nothing(coach) -> None:
    await link(coach, ALEX, SAM)
    done = await take_check(coach, ALEX)
    await take_check(coach, SAM)
    asked = await coach.press(ALEX, compare_button(done, ALEX))
    not_now = next(d for d in buttons(asked, SAM).values() if d == "pa|x")
    outs = await coach.press(SAM, not_now)
    assert texts(outs, ALEX) == [] and len(texts(outs, SAM)) == 1


@pytest.mark.postgres
async def test_both_choosing_at_once_shows_the_comparison_once_on_postgres(pg_path_coach) -> None:
    coach = pg_path_coach
    await link(coach, ALEX, SAM)
    alex_done = await take_check(coach, ALEX, safety=1)
    sam_done = await take_check(coach, SAM)
    outs_a, outs_s = await asyncio.gather(
        coach.press(ALEX, compare_button(alex_done, ALEX)),
        coach.press(SAM, compare_button(sam_done, SAM)),
    )
    shown = [
        o.chat_id
        for o in outs_a + outs_s
        if "🤝" in o.text and "\n\n" in o.text and ("alike" in o.text or "Benzer" in o.text)
    ]
    assert sorted(shown) == [ALEX.chat_id, SAM.chat_id]
