"""The engine, as a specification: each event moves one person's dialog predictably."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.engine import callbacks
from bot.engine.content import Content
from bot.engine.events import Answer, Begin, Choose, Resume, Share
from bot.engine.loader import load_content
from bot.engine.outputs import (
    Action,
    DialogFinished,
    DialogStarted,
    Notice,
    ReflectionShared,
    SaveReflection,
    Say,
)
from bot.engine.state import DialogState
from bot.engine.step import step
from tests.engine.dialog_files import write_dialogs

AT = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
CTX = {"at": AT, "lang": "en"}

DEMO = """
id: demo
title: {en: Demo, tr: Demo}
start: hello
nodes:
  hello:
    text: {en: Hello, tr: Merhaba}
    buttons:
      - {label: {en: Ask me, tr: Sor}, next: ask}
      - {label: {en: Skip, tr: Geç}, next: bridge}
  ask:
    text: {en: "How are you?", tr: "Nasılsın?"}
    ask: {key: feeling}
    next: bridge
  bridge:
    text: {en: Thanks, tr: Sağ ol}
    action: remember
    params: {what: thanks}
    next: last
  last:
    text: {en: "One more?", tr: "Bir tane daha?"}
    buttons:
      - {label: {en: Together, tr: Birlikte}, next: together}
      - {label: {en: Finish, tr: Bitir}, next: bye}
  together:
    text: {en: Answer together, tr: Birlikte cevapla}
    ask:
      key: us
      together: true
      shareable: false
      ack:
        - {en: "Noted.", tr: "Not aldım."}
        - {en: "Lovely.", tr: "Ne güzel."}
    next: jump
  jump:
    goto: other
  bye:
    text: {en: Bye, tr: Hoşça kal}
    end: true
    suggest: other
"""

OTHER = """
id: other
title: {en: Other, tr: Diğer}
start: only
nodes:
  only:
    text: {en: Other start, tr: Diğer başlangıç}
    end: true
"""


@pytest.fixture
def demo(tmp_path: Path) -> Content:
    write_dialogs(tmp_path, {"demo.yaml": DEMO, "other.yaml": OTHER}, topics=["demo", "other"])
    return load_content(tmp_path)


def begin(content: Content, **extra: object):
    return step(content, DialogState(), Begin(dialog="demo", **CTX, **extra))


def test_begin_shows_the_start_node_with_its_buttons(demo: Content) -> None:
    state, outputs, effects = begin(demo)
    assert state == DialogState("demo", "hello")
    assert outputs == [
        Say(
            "Hello",
            (
                (callbacks_button("Ask me", "demo", "hello", 0),),
                (callbacks_button("Skip", "demo", "hello", 1),),
            ),
        )
    ]
    assert effects == [DialogStarted("demo", AT)]


def callbacks_button(label: str, dialog: str, node: str, index: int):
    from bot.engine.outputs import KeyButton

    return KeyButton(label, callbacks.Nav(dialog, node, index).pack())


def test_begin_resumes_at_a_saved_node_and_ignores_an_unknown_one(demo: Content) -> None:
    assert step(demo, DialogState(), Begin(dialog="demo", node="last", **CTX)).state.node == "last"
    assert step(demo, DialogState(), Begin(dialog="demo", node="gone", **CTX)).state.node == "hello"


def test_begin_unknown_dialog_is_a_notice(demo: Content) -> None:
    result = step(demo, DialogState(), Begin(dialog="nope", **CTX))
    assert result.outputs == [Notice("unknown_topic")] and result.state.idle


def test_a_chosen_button_settles_its_message_and_the_dialog_waits_at_the_question(
    demo: Content,
) -> None:
    state = begin(demo).state
    state, outputs, _ = step(demo, state, Choose(dialog="demo", node="hello", index=0, **CTX))
    assert state == DialogState("demo", "ask")
    settled = Say(demo.t("chosen", "en", label="Ask me"), replace=True, append=True)
    assert outputs == [settled, Say("How are you?")]
    assert settled.text == "✓ Ask me", "the pressed message keeps its text; the mark goes under"


def test_an_answer_is_acknowledged_by_one_of_the_questions_own_lines_before_what_follows(
    demo: Content,
) -> None:
    heard = set()
    for text in ("we are fine", "a long day", "hard to say", "better now", "tired", "ok"):
        _, outputs, _ = step(demo, DialogState("demo", "together"), Answer(text=text, **CTX))
        assert outputs[0].text in ("Noted.", "Lovely.") and outputs[1].text == "Other start"
        heard.add(outputs[0].text)
        again = step(demo, DialogState("demo", "together"), Answer(text=text, **CTX)).outputs
        assert again == outputs, "pure: the same answer always gets the same line"
    assert heard == {"Noted.", "Lovely."}, "different answers get different lines"
    tr = step(demo, DialogState("demo", "together"), Answer(text="x", at=AT, lang="tr")).outputs
    assert tr[0].text in ("Not aldım.", "Ne güzel.")


def test_answer_is_saved_and_runs_through_automatic_nodes_and_actions(demo: Content) -> None:
    state = DialogState("demo", "ask")
    state, outputs, effects = step(demo, state, Answer(text="tired but ok", **CTX))
    assert state == DialogState("demo", "last")
    assert [o.text for o in outputs if isinstance(o, Say)] == ["Thanks", "One more?"]
    assert effects == [
        SaveReflection("demo", "ask", "feeling", "tired but ok", False, AT),
        Action("remember", "demo", "bridge", {"what": "thanks"}, AT),
    ]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_an_answer_of_only_spaces_is_not_kept_and_the_question_is_asked_again(
    demo: Content, blank: str
) -> None:
    state = DialogState("demo", "ask")
    result = step(demo, state, Answer(text=blank, has_partner=True, **CTX))
    hint, again = result.outputs
    assert result.state == state and result.effects == [], "nothing stored, nothing moved"
    assert hint.text == demo.t("answer_in_words", "en") and hint.ack
    assert again.text == "How are you?"


def test_with_a_partner_the_answer_is_followed_by_a_share_question(demo: Content) -> None:
    state, outputs, _ = step(
        demo, DialogState("demo", "ask"), Answer(text="ok", has_partner=True, **CTX)
    )
    assert state == DialogState("demo", "ask", awaiting_share=True)
    assert [b.data for row in outputs[0].keyboard for b in row] == [
        callbacks.Share("demo", "ask", False).pack(),
        callbacks.Share("demo", "ask", True).pack(),
    ]


@pytest.mark.parametrize("share", [True, False])
def test_the_share_choice_is_confirmed_and_the_dialog_goes_on(demo: Content, share: bool) -> None:
    state = DialogState("demo", "ask", awaiting_share=True)
    state, outputs, effects = step(
        demo, state, Share(dialog="demo", node="ask", share=share, **CTX)
    )
    assert state == DialogState("demo", "last")
    shared = [e for e in effects if isinstance(e, ReflectionShared)]
    assert shared == ([ReflectionShared("demo", "ask", "feeling", AT)] if share else [])
    # Keeping private is confirmed here; sharing is confirmed by whoever delivers it.
    confirmed = outputs[0] == Say(demo.t("kept_private", "en"), replace=True)
    assert confirmed is not share


def test_together_questions_are_never_offered_for_sharing(demo: Content) -> None:
    state = DialogState("demo", "together")
    _, _, effects = step(demo, state, Answer(text="us", has_partner=True, **CTX))
    assert SaveReflection("demo", "together", "us", "us", True, AT) in effects


def test_goto_finishes_this_dialog_and_starts_the_other(demo: Content) -> None:
    state, outputs, effects = step(demo, DialogState("demo", "together"), Answer(text="x", **CTX))
    assert state.idle
    assert [o.text for o in outputs if isinstance(o, Say)][-1:] == ["Other start"]
    assert DialogFinished("demo", AT) in effects and DialogStarted("other", AT) in effects
    assert DialogFinished("other", AT) in effects


def test_end_offers_the_suggested_dialog_and_the_menu(demo: Content) -> None:
    state, outputs, effects = step(
        demo, DialogState("demo", "last"), Choose(dialog="demo", node="last", index=1, **CTX)
    )
    assert state.idle and effects == [DialogFinished("demo", AT)]
    data = [b.data for row in outputs[-1].keyboard for b in row]
    assert data == [callbacks.Topic("other").pack(), callbacks.TopicsMenu().pack()]


def test_a_double_tap_is_stale_and_changes_nothing(demo: Content) -> None:
    press = Choose(dialog="demo", node="hello", index=0, **CTX)
    state = step(demo, begin(demo).state, press).state
    again = step(demo, state, press)
    assert again.state == state and again.outputs == [Notice("stale_button")]
    assert again.effects == []


@pytest.mark.parametrize(
    "press",
    [
        Choose(dialog="demo", node="hello", index=7, **CTX),
        Choose(dialog="demo", node="nowhere", index=0, **CTX),
        Choose(dialog="ghost", node="hello", index=0, **CTX),
        Choose(dialog="demo", node="hello", index=-1, **CTX),
    ],
)
def test_forged_buttons_are_refused_and_change_nothing(demo: Content, press: Choose) -> None:
    state = begin(demo).state
    result = step(demo, state, press)
    assert result == (state, [Notice("unknown_button")], [])


def test_a_stale_share_answer_changes_nothing(demo: Content) -> None:
    state = DialogState("demo", "last")
    result = step(demo, state, Share(dialog="demo", node="ask", share=True, **CTX))
    assert result == (state, [Notice("stale_button")], [])


def test_text_when_no_question_is_waiting(demo: Content) -> None:
    assert step(demo, DialogState(), Answer(text="hi", **CTX)).outputs == [
        Notice("not_expecting_text")
    ]
    at_buttons = step(demo, DialogState("demo", "hello"), Answer(text="hi", **CTX))
    pointer, again = at_buttons.outputs
    assert pointer.text == demo.t("use_buttons", "en") and at_buttons.effects == []
    assert again.text == "Hello" and again.keyboard, "the buttons come again right below"


def test_something_heartfelt_typed_at_a_choice_is_acknowledged_and_the_step_stays(
    demo: Content,
) -> None:
    state = DialogState("demo", "hello")
    said = "I'm scared we'll find out we want different things"
    result = step(demo, state, Answer(text=said, **CTX))
    heard, again = result.outputs
    assert result.state == state and result.effects == [], "nothing stored, nothing moved"
    assert heard.text == demo.t("heard_at_buttons", "en") and heard.ack
    assert again.text == "Hello" and again.keyboard
    sharing = DialogState("demo", "ask", awaiting_share=True)
    _, again = step(demo, sharing, Answer(text=said, **CTX)).outputs
    assert again.text == demo.t("share_question", "en") and again.keyboard


def test_resume_shows_the_current_step_again(demo: Content) -> None:
    state = DialogState("demo", "hello")
    assert step(demo, state, Resume(**CTX)).outputs[0].text == "Hello"
    waiting = DialogState("demo", "ask", awaiting_share=True)
    again = step(demo, waiting, Resume(has_partner=True, **CTX))
    assert again.outputs[0].text == demo.t("share_question", "en")
    assert step(demo, DialogState(), Resume(**CTX)).outputs == [Notice("nothing_to_resume")]


def test_the_language_comes_with_the_event(demo: Content) -> None:
    result = step(demo, DialogState(), Begin(dialog="demo", at=AT, lang="tr"))
    assert result.outputs[0].text == "Merhaba"
    assert step(demo, DialogState(), Begin(dialog="demo", at=AT, lang="de")).outputs[0].text == (
        "Hello"
    )


def test_real_dialogs_load(content: Content) -> None:
    assert {"welcome", "redefining"} <= set(content.dialogs)
    assert set(content.topics) <= set(content.dialogs)


def test_resuming_a_share_question_after_the_partner_left_moves_on(demo: Content) -> None:
    waiting = DialogState("demo", "ask", awaiting_share=True)
    state, outputs, effects = step(demo, waiting, Resume(**CTX))
    assert state == DialogState("demo", "last")
    assert not any(isinstance(e, ReflectionShared) for e in effects)
    assert demo.t("share_question", "en") not in [o.text for o in outputs]
