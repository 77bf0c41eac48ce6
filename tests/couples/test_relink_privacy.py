"""Relinking: nothing from one relationship reaches the next, feature by feature.

Every scenario has the same shape. Alex links with Sam and something is made
between them — a shared score, an appreciation, a break's notice or gentle
start, an answer. Alex unlinks and links with Kim. Then the old things are
tried again: old buttons pressed (by Alex, by Kim holding a copy of Sam's, by
Sam after relinking with Alex), pictures drawn, questions answered. Nothing
from the Alex–Sam era may reach Kim or act on Alex–Kim, and whoever pressed
an old button is told plainly that it belongs to an earlier link.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.coach import Coach
from bot.engine.loader import load_content
from bot.nudges.models import NudgeCheckin
from bot.nudges.summary import weekly_scores
from bot.storage.models import User
from bot.turn import Outbound, Person
from tests.cooldown.support import sweep, take_break
from tests.couples.conftest import invite, join
from tests.nudges.support import TUESDAY_DUE, button, make_coach, meet, tick, update_schedule
from tests.support.people import Chat, Router

ALEX = Person(3001, 3001, "Alex", "en")
SAM = Person(3002, 3002, "Sam", "en")
KIM = Person(3003, 3003, "Kim", "en")


class World:
    """Three people with phones (`Chat`s) on one coach."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.router = Router()
        self.alex = Chat(coach, ALEX, self.router)
        self.sam = Chat(coach, SAM, self.router)
        self.kim = Chat(coach, KIM, self.router)

    async def meet(self) -> None:
        for chat in (self.alex, self.sam, self.kim):
            await chat.command("help")
        await meet(self.coach, ALEX, SAM, KIM)

    async def link(self, a: Chat, b: Chat) -> None:
        code = await invite(self.coach, a.person)
        self.router.deliver(await join(self.coach, b.person, code))

    async def unlink(self, chat: Chat) -> None:
        await chat.command("unlink")
        await chat.press(self.coach.content.t("unlink_yes", "en"))

    async def relink_alex_with_kim(self) -> None:
        await self.unlink(self.alex)
        await self.link(self.alex, self.kim)

    async def say_safe(self, *chats: Chat) -> None:
        """Each answers the link's private safety question "yes": what waits on it (a carried
        reveal) goes on only when both have."""
        for chat in chats:
            await chat.press(self.coach.content.t("link_safety_yes", "en"))

    def deliver(self, outs: list[Outbound]) -> list[Outbound]:
        return self.router.deliver(outs)


@pytest.fixture
def coach(engine, content, clock):
    return make_coach(engine, content, clock)


@pytest.fixture
async def world(coach) -> World:
    world = World(coach)
    await world.meet()
    await world.link(world.alex, world.sam)
    for chat in (world.alex, world.sam, world.kim):
        chat.clear()
    return world


@pytest.fixture
def en(content):
    return lambda key, **values: content.t(key, "en", **values)


async def alex_check_in(world: World, clock, kind_cursor: int) -> Outbound:
    """Alex's check-in of one kind (0 closeness score, 1 appreciation, 3 couple question)."""
    await update_schedule(world.coach, ALEX, kind_cursor=kind_cursor)
    await tick(world.coach)
    clock.set(TUESDAY_DUE)
    outs = world.deliver(await tick(world.coach))
    [mine] = [o for o in outs if o.chat_id == ALEX.chat_id]
    return mine


def told_old_link(chat: Chat, en) -> bool:
    return chat.last == en("old_link_button")


# -- check-in scores and the weekly picture (issue 12, item 7) ------------------------


async def test_a_score_shared_with_sam_never_appears_in_kims_weekly_picture(world, clock) -> None:
    check_in = await alex_check_in(world, clock, 0)
    follow_up = world.deliver(await world.coach.press(ALEX, button(check_in, "2")))[1]
    await world.alex.press_data(button(follow_up, "weekly picture"))
    async with world.coach.sessions() as session:
        assert (await session.exec(select(NudgeCheckin))).one().shared, "shared with Sam"

    await world.relink_alex_with_kim()

    async with world.coach.sessions() as session:
        kim, alex = await session.get(User, KIM.user_id), await session.get(User, ALEX.user_id)
        picture = await weekly_scores(session, kim, alex, clock.now + timedelta(days=5), "UTC")
    assert picture.theirs is not None and set(picture.theirs) == {None}


async def test_an_old_share_score_button_cannot_put_it_in_the_next_picture(
    world, clock, en
) -> None:
    check_in = await alex_check_in(world, clock, 0)
    follow_up = world.deliver(await world.coach.press(ALEX, button(check_in, "2")))[1]
    share = button(follow_up, "weekly picture")

    await world.relink_alex_with_kim()
    await world.alex.press_data(share)

    assert told_old_link(world.alex, en)
    async with world.coach.sessions() as session:
        assert not (await session.exec(select(NudgeCheckin))).one().shared


# -- appreciations and other written check-in answers (item 8) -------------------------


async def test_an_appreciation_written_about_sam_never_reaches_kim(world, clock, en) -> None:
    check_in = await alex_check_in(world, clock, 1)
    assert "appreciat" in check_in.text
    await world.alex.press_data(button(check_in, "Answer now"))
    saved = world.deliver(await world.coach.text(ALEX, "Sam's soup on my sick day"))
    share = button(saved[0], "Share")

    await world.relink_alex_with_kim()
    await world.alex.press_data(share)

    assert not any("soup" in text for text in world.kim.texts + world.sam.texts)
    assert told_old_link(world.alex, en)


async def test_an_appreciation_prompt_about_sam_answered_after_relinking_stays_private(
    world, clock
) -> None:
    check_in = await alex_check_in(world, clock, 1)
    await world.alex.press_data(button(check_in, "Answer now"))

    await world.relink_alex_with_kim()
    saved = world.deliver(await world.coach.text(ALEX, "Sam's soup on my sick day"))

    assert not any(b.label.startswith("Share") for row in saved[0].keyboard for b in row)
    assert world.kim.inbox == [] or not any("soup" in t for t in world.kim.texts)


async def test_an_old_couple_question_answered_after_relinking_reveals_nothing(
    world, clock
) -> None:
    check_in = await alex_check_in(world, clock, 3)
    assert "two of you" in check_in.text

    await world.relink_alex_with_kim()
    await world.alex.press_data(button(check_in, "Answer now"))
    world.deliver(await world.coach.text(ALEX, "a picnic by the sea"))

    assert not any("picnic" in t for t in world.kim.texts + world.sam.texts)


# -- the cooldown: notice and gentle start (item 9) -------------------------------------


async def test_an_old_i_got_it_button_does_nothing_for_the_next_partner(world, en) -> None:
    await take_break(world.alex, en)
    await world.alex.press(en("cooldown_notice_send"))
    ack = world.sam.button(en("cooldown_ack"))

    await world.relink_alex_with_kim()
    world.alex.clear()
    await world.kim.press_data(ack)  # a copy of Sam's button
    await world.sam.press_data(ack)

    assert world.alex.inbox == []
    assert world.kim.last == en("stale_button") or told_old_link(world.kim, en)


async def gentle_start_sent_to_sam(world: World, coach: Coach, clock, en) -> str:
    """Alex's break ends with a sentence sent to Sam; returns Sam's "I read it" button."""
    await take_break(world.alex, en)
    await world.alex.press(en("cooldown_notice_skip"))
    clock.advance(minutes=20)
    await sweep(coach, world.router)
    await world.alex.press(en("cooldown_ready"))
    await world.alex.send("the dishes last night")
    await world.alex.press(en("cooldown_feeling_lonely"))
    await world.alex.send("a quiet evening together")
    await world.alex.press(en("cooldown_statement_send"))
    return world.sam.button(en("cooldown_heard"))


async def test_an_old_i_read_it_button_never_tells_the_next_partner_anything(
    world, coach, clock, en
) -> None:
    heard = await gentle_start_sent_to_sam(world, coach, clock, en)

    await world.relink_alex_with_kim()
    world.alex.clear()
    await world.kim.press_data(heard)  # a copy of Sam's button, pressed by Kim

    assert world.alex.inbox == [], "Alex is not told that Kim read a sentence sent to Sam"


async def test_an_old_i_read_it_button_is_stale_even_between_the_same_two_people(
    world, coach, clock, en
) -> None:
    heard = await gentle_start_sent_to_sam(world, coach, clock, en)

    await world.unlink(world.alex)
    await world.link(world.alex, world.sam)  # together again: a new link
    world.alex.clear()
    await world.sam.press_data(heard)

    assert world.alex.inbox == []


# -- conversations: shared answers and questions answered together -----------------------


async def test_a_dialog_answer_written_with_sam_cannot_be_shared_with_kim(world, en) -> None:
    from tests.couples.conftest import walk_to_question

    await walk_to_question(world.coach, ALEX, "redefining")
    saved = world.deliver(await world.coach.text(ALEX, "Sam and I used to cook together"))
    share = next(
        b.data for o in saved for row in o.keyboard for b in row if b.label.startswith("Share")
    )

    await world.relink_alex_with_kim()
    outs = await world.alex.press_data(share)

    assert not any("cook" in t for t in world.kim.texts)
    [said] = [o for o in outs if o.text == en("kept_private")]
    assert said.replace, "in place of the share question"


async def test_a_together_answer_from_the_sam_era_is_never_revealed_to_kim(
    sqlite_url, clock, tmp_path
) -> None:
    from tests.engine.dialog_files import write_dialogs
    from tests.support import people
    from tests.together.test_flow import PAIR, answer
    from tests.together.test_flow import make_coach as pair_coach

    content = load_content(write_dialogs(tmp_path / "d", {"pair.yaml": PAIR}, topics=["pair"]))
    coach = await pair_coach(sqlite_url, content, clock)
    await people.link(coach, ALEX, SAM)
    await answer(coach, ALEX, "your laugh")
    await people.unlink(coach, ALEX, SAM)
    await people.link(coach, ALEX, KIM)

    outs = await answer(coach, KIM, "your patience")

    assert not any("your laugh" in o.text for o in outs)
    assert any("hasn't answered" in t for t in people.texts(outs, KIM))


# -- the relationship check: comparing two checks (path) --------------------------------


async def test_a_check_alex_agreed_to_compare_with_sam_is_never_compared_with_kims(
    coach,
) -> None:
    from tests.path.test_check import compare_button, take_check
    from tests.support import people

    await people.link(coach, ALEX, SAM)
    alex_done = await take_check(coach, ALEX, safety=1)
    await coach.press(ALEX, compare_button(alex_done, ALEX))  # Sam has no check yet
    await people.unlink(coach, ALEX, SAM)
    await people.link(coach, ALEX, KIM)

    kim_done = await take_check(coach, KIM, safety=4)
    outs = await coach.press(KIM, compare_button(kim_done, KIM))

    assert people.texts(outs, ALEX) == [], "nothing about Alex's check from the Sam era"
    assert not any("differently" in t for t in people.texts(outs, KIM))


# -- exercises followed up with both partners (followups) --------------------------------


async def test_an_exercise_planned_with_sam_is_never_revealed_to_kim(coach, clock) -> None:
    from tests.followups.test_followups import FRIDAY_DUE, answer, followups, plan_slow_hello
    from tests.nudges.support import run_until
    from tests.support import people

    await meet(coach, ALEX, SAM, KIM)
    await people.link(coach, ALEX, SAM)
    await plan_slow_hello(coach, ALEX)
    sent = await run_until(coach, clock, FRIDAY_DUE + timedelta(minutes=40), hours=1)
    [for_alex], [for_sam] = followups(sent, ALEX), followups(sent, SAM)
    await answer(coach, SAM, for_sam, 5)
    await people.unlink(coach, ALEX, SAM)
    await people.link(coach, ALEX, KIM)

    outs = await answer(coach, ALEX, for_alex, 2)

    assert people.texts(outs, KIM) == [] and people.texts(outs, SAM) == []
    assert not any("Sam" in t or "Kim" in t for t in people.texts(outs, ALEX))


# -- couple questions answered before linking (issue 15, item 5) --------------------------

QUESTION = ("communication", "together")
"""A real couple question: "I feel most listened to by you when…"."""


@pytest.fixture
async def strangers(coach) -> World:
    """Alex, Sam and Kim, known to the coach and linked to no one."""
    world = World(coach)
    await world.meet()
    for chat in (world.alex, world.sam, world.kim):
        chat.clear()
    return world


async def answer_alone(
    world: World, chat: Chat, text: str, question: tuple[str, str] = QUESTION
) -> list[Outbound]:
    """`chat`'s person answers the couple question straight away (unlinked or not)."""
    from bot.conversations import begin_at

    await world.coach.handle(chat.person, lambda turn: begin_at(turn, *question))
    return await chat.send(text)


async def test_an_answer_given_before_linking_is_carried_over_and_revealed_when_sam_answers(
    strangers, en
) -> None:
    world = strangers
    saved = await answer_alone(world, world.alex, "when you put the phone away")
    assert any("private for now" in o.text for o in saved), "the note says what will happen"
    await world.link(world.alex, world.sam)
    assert not any("phone away" in t for t in world.sam.texts), "private until Sam answers"

    await answer_alone(world, world.sam, "when you ask a second question")

    for chat in (world.alex, world.sam):
        assert any("phone away" in t and "second question" in t for t in chat.texts), chat.texts
    asked = [b.label for o in world.alex.inbox for row in o.keyboard for b in row]
    assert en("together_answer_now") not in asked, "Alex is not asked again"


async def both_answer_two_questions_alone_then_link(world: World) -> None:
    """Each answers "closest" first, then "listened to", alone; then they link."""
    closest = ("redefining", "together")
    for chat, words in ((world.alex, "on our walks"), (world.sam, "at breakfast")):
        await answer_alone(world, chat, f"closest {words}", closest)
        await answer_alone(world, chat, f"listened to {words}")
    world.alex.clear(), world.sam.clear()
    await world.link(world.alex, world.sam)


def reveals(chat: Chat) -> int:
    """How many reveals of Alex's and Sam's carried answers reached `chat`."""
    return sum("phone away" in t and "second question" in t for t in chat.texts)


async def both_answered_then_linked(world: World) -> None:
    await answer_alone(world, world.alex, "when you put the phone away")
    await answer_alone(world, world.sam, "when you ask a second question")
    world.alex.clear(), world.sam.clear()
    await world.link(world.alex, world.sam)


@pytest.mark.parametrize("first", ["alex", "sam"])
async def test_answers_both_gave_before_linking_wait_for_both_safety_answers(
    strangers, en, first
) -> None:
    """The linking turn asks each "do you feel safe with …?": the carried reveal waits for
    both answers, whoever linked first (Alex invited, Sam joined) or answers first."""
    world = strangers
    await both_answered_then_linked(world)
    assert reveals(world.alex) == reveals(world.sam) == 0, "not in the linking turn"

    early, late = (world.alex, world.sam) if first == "alex" else (world.sam, world.alex)
    await early.press(en("link_safety_yes"))
    assert reveals(world.alex) == reveals(world.sam) == 0, "the other has not answered yet"
    await late.press(en("link_safety_skip"))

    assert reveals(world.alex) == reveals(world.sam) == 1
    await early.press_data(early.button(en("link_safety_yes")))  # a double tap
    await late.send("hello")
    assert reveals(world.alex) == reveals(world.sam) == 1, "once"


@pytest.mark.parametrize("worry", ["link_safety_no", "link_safety_unsure"])
@pytest.mark.parametrize("first", ["alex", "sam"])
async def test_a_no_to_the_safety_question_keeps_carried_answers_and_tells_the_partner_nothing(
    strangers, en, worry, first
) -> None:
    world = strangers
    await both_answered_then_linked(world)
    linked = list(world.alex.texts)

    if first == "sam":
        await world.sam.press(en(worry))
        await world.alex.press(en("link_safety_yes"))
    else:
        await world.alex.press(en("link_safety_yes"))
        await world.sam.press(en(worry))
    await world.sam.send("hello")
    await world.alex.command("progress")

    assert reveals(world.alex) == reveals(world.sam) == 0
    assert not any("second question" in t for t in world.alex.texts), "nothing of Sam's"
    told = world.alex.texts[len(linked) :]
    assert told[0] == en("link_safety_thanks"), "Alex hears what a Yes always hears"
    assert not any("Sam" in t and "safe" in t.lower() for t in told)


async def test_an_answer_carried_into_the_sam_couple_never_reaches_kim(strangers, en) -> None:
    world = strangers
    await answer_alone(world, world.alex, "when you put the phone away")
    await world.link(world.alex, world.sam)
    await world.relink_alex_with_kim()

    kims = await answer_alone(world, world.kim, "when you hum while cooking")

    assert not any("phone away" in t for t in world.kim.texts)
    assert not any("phone away" in o.text for o in kims)
    assert any(en("together_waiting", name="Alex") in o.text for o in kims), "Alex asked anew"


async def test_others_linking_meanwhile_leave_an_answer_given_alone_to_its_author(
    strangers,
) -> None:
    """Kim's answer given alone is carried into Kim's own couple, not into the couple
    two other people form meanwhile."""
    world = strangers
    await answer_alone(world, world.kim, "when you hum while cooking")
    await world.link(world.alex, world.sam)
    await world.relink_alex_with_kim()
    world.kim.clear()

    await answer_alone(world, world.alex, "when you put the phone away")

    assert any("hum while cooking" in t and "phone away" in t for t in world.kim.texts)


async def test_an_answer_written_for_kim_is_not_carried_to_sam_when_alex_and_sam_link(
    strangers,
) -> None:
    """Alex answered while linked to Kim (Kim never did); later Alex links with Sam, who
    answered alone: that answer stays with the couple it was written for."""
    world = strangers
    await world.link(world.alex, world.kim)
    await answer_alone(world, world.alex, "what I love about us, Kim")
    await world.unlink(world.alex)
    await answer_alone(world, world.sam, "when you ask a second question")
    world.sam.clear()

    await world.link(world.alex, world.sam)

    assert not any("about us, Kim" in t for t in world.sam.texts)


async def test_the_newest_of_two_answers_given_alone_is_the_one_revealed(strangers) -> None:
    world = strangers
    await answer_alone(world, world.alex, "my first thought")
    await answer_alone(world, world.alex, "my second thought")
    await answer_alone(world, world.sam, "when you ask a second question")
    world.sam.clear()

    await world.link(world.alex, world.sam)
    await world.say_safe(world.alex, world.sam)  # the reveal waits for the link's safety question

    assert any("second thought" in t for t in world.sam.texts), world.sam.texts
    assert not any("first thought" in t for t in world.sam.texts)


async def test_answers_carried_over_are_revealed_each_under_its_authors_name(strangers) -> None:
    world = strangers
    await answer_alone(world, world.alex, "when you put the phone away")
    await answer_alone(world, world.sam, "when you ask a second question")
    world.alex.clear(), world.sam.clear()

    await world.link(world.alex, world.sam)
    await world.say_safe(world.alex, world.sam)  # the reveal waits for the link's safety question

    to_alex = [t for t in world.alex.texts if "phone away" in t]
    to_sam = [t for t in world.sam.texts if "phone away" in t]
    assert to_alex and "You: when you put the phone away" in to_alex[0]
    assert "Sam: when you ask a second question" in to_alex[0]
    assert to_sam and "You: when you ask a second question" in to_sam[0]
    assert "Alex: when you put the phone away" in to_sam[0]


async def test_answers_carried_over_are_revealed_in_the_order_they_were_given(strangers) -> None:
    """Two questions both answered alone: after the safety question, the reveals come in
    the order the two answered them (closest first here, though "communication" sorts
    before "redefining")."""
    world = strangers
    await both_answer_two_questions_alone_then_link(world)
    await world.say_safe(world.alex, world.sam)

    for chat in (world.alex, world.sam):
        revealed = [t for t in chat.texts if "You: " in t]
        assert len(revealed) == 2 and "closest" in revealed[0], revealed
        assert "listened to" in revealed[1]


async def test_a_question_only_one_of_them_answered_alone_holds_back_no_other(strangers) -> None:
    """Each answered one question the other did not, and one both did: that one is
    revealed (whichever of them linked, their own extra answer comes first)."""
    world = strangers
    await answer_alone(world, world.alex, "only mine", ("redefining", "together"))
    await answer_alone(world, world.sam, "only mine", ("autonomy", "together"))
    await answer_alone(world, world.alex, "when you put the phone away")
    await answer_alone(world, world.sam, "when you ask a second question")
    world.alex.clear(), world.sam.clear()
    await world.link(world.alex, world.sam)
    await world.say_safe(world.alex, world.sam)

    assert reveals(world.alex) == reveals(world.sam) == 1
    assert not any("only mine" in t for t in world.alex.texts + world.sam.texts)


async def test_only_couple_questions_answered_alone_come_into_the_couple(strangers) -> None:
    """An ordinary answer written alone stays the author's alone: linking later does not
    make it one written in the couple (as /mydata shows)."""
    from bot.storage.models import Reflection
    from tests.support.people import user

    world = strangers
    await answer_alone(
        world,
        world.alex,
        "I feel unheard when you're on your phone",
        ("communication", "rewrite_ask"),
    )
    await answer_alone(world, world.alex, "when you put the phone away")
    await world.link(world.alex, world.sam)

    async with world.coach.sessions() as session:
        mine = select(Reflection).where(Reflection.user_id == ALEX.user_id)
        rows = (await session.exec(mine)).all()
    couple = (await user(world.coach, ALEX)).couple_id
    assert {r.node: r.couple_id for r in rows} == {"rewrite_ask": None, "together": couple}


async def test_a_held_question_the_dialogs_no_longer_ask_together_is_not_revealed(
    strangers, monkeypatch
) -> None:
    """The dialogs changed while the answers were held (a new release): a question that
    is no longer one for both stays private; the next one is still revealed."""
    world = strangers
    await both_answer_two_questions_alone_then_link(world)
    nodes = world.coach.content.dialogs["redefining"].nodes
    step = nodes["together"]
    assert step.ask is not None
    alone = step.model_copy(update={"ask": step.ask.model_copy(update={"together": False})})
    monkeypatch.setitem(nodes, "together", alone)
    await world.say_safe(world.alex, world.sam)

    for chat in (world.alex, world.sam):
        revealed = [t for t in chat.texts if "You: " in t]
        assert len(revealed) == 1 and "listened to" in revealed[0], revealed
        assert not any("closest" in t for t in chat.texts)


async def test_answers_before_linking_stay_private_while_either_is_in_quiet_mode(strangers) -> None:
    from tests.support.people import update_user

    world = strangers
    await answer_alone(world, world.alex, "when you put the phone away")
    await answer_alone(world, world.sam, "when you ask a second question")
    await update_user(world.coach, ALEX, quiet=True)

    await world.link(world.alex, world.sam)
    await update_user(world.coach, ALEX, quiet=False)  # later, quiet mode ends
    await world.say_safe(world.alex, world.sam)

    assert not any("phone away" in t for t in world.sam.texts), "private for good"
    assert not any("second question" in t for t in world.alex.texts)


@pytest.mark.parametrize("quiet", ["alex", "sam"])
async def test_carried_answers_stay_private_if_quiet_mode_began_before_the_safety_answers(
    strangers, quiet
) -> None:
    """Quiet mode turned on after linking, while the reveal waits for the safety question:
    whoever turned it on, and whoever answers last, nothing is revealed."""
    from tests.support.people import update_user

    world = strangers
    await both_answered_then_linked(world)
    await update_user(world.coach, ALEX if quiet == "alex" else SAM, quiet=True)

    await world.say_safe(world.sam, world.alex)  # Alex's turn settles the link

    assert reveals(world.alex) == reveals(world.sam) == 0


async def test_answers_held_in_an_earlier_couple_are_not_released_with_the_next_ones(
    strangers, en
) -> None:
    """Sam's worry kept Alex and Sam's carried answers held; Alex later links with Kim and
    both answered the same question alone: only Alex and Kim's answers are revealed, once."""
    world = strangers
    await both_answered_then_linked(world)
    await world.sam.press(en("link_safety_no"))
    await world.alex.press(en("link_safety_yes"))
    await world.unlink(world.alex)
    await answer_alone(world, world.alex, "when you sit with me")
    await answer_alone(world, world.kim, "when you hum while cooking")
    world.alex.clear(), world.kim.clear()

    await world.link(world.alex, world.kim)
    await world.say_safe(world.alex, world.kim)

    for chat in (world.alex, world.kim):
        both = [t for t in chat.texts if "sit with me" in t and "hum while cooking" in t]
        assert len(both) == 1, chat.texts


async def test_an_answer_given_in_quiet_mode_after_linking_stays_private_at_the_safety_answers(
    strangers,
) -> None:
    """Alex answered the question with Sam once (not with Kim); Kim answered it alone.
    Linked with Kim, Alex answers it in quiet mode, then turns quiet mode off: the
    safety answers release only what was carried over, and nothing of Alex's was."""
    from tests.support.people import update_user

    world = strangers
    await world.link(world.alex, world.sam)
    await answer_alone(world, world.alex, "words for Sam")
    await world.unlink(world.alex)
    await answer_alone(world, world.kim, "when you hum while cooking")
    await world.link(world.alex, world.kim)
    await update_user(world.coach, ALEX, quiet=True)
    await answer_alone(world, world.alex, "my hushed words")
    await update_user(world.coach, ALEX, quiet=False)

    await world.say_safe(world.alex, world.kim)

    assert not any("hushed words" in t or "words for Sam" in t for t in world.kim.texts)
