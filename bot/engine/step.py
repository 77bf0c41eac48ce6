"""`step(content, state, event) -> (state, outputs, effects)`: the whole engine.

Pure: no I/O, no clock, no Telegram. Everything it needs arrives as arguments,
which is why it can be tested exhaustively and shared by every transport.
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

from bot.engine import callbacks
from bot.engine.content import Content, Dialog, Node
from bot.engine.events import Answer, Begin, Choose, Event, Resume, Share
from bot.engine.outputs import (
    Action,
    DialogFinished,
    DialogStarted,
    Effect,
    Keyboard,
    KeyButton,
    Notice,
    Output,
    ReflectionShared,
    SaveReflection,
    Say,
)
from bot.engine.state import DialogState

IDLE = DialogState()


class Result(NamedTuple):
    state: DialogState
    outputs: list[Output]
    effects: list[Effect]


def step(content: Content, state: DialogState, event: Event) -> Result:
    """Advance one person's dialog by one event."""
    match event:
        case Begin():
            return _begin(content, event)
        case Choose():
            return _choose(content, state, event)
        case Share():
            return _share(content, state, event)
        case Answer():
            return _answer(content, state, event)
        case Resume():
            return _resume(content, state, event)
    raise TypeError(f"unknown event {event!r}")


def _begin(content: Content, event: Begin) -> Result:
    dialog = content.dialogs.get(event.dialog)
    if dialog is None:
        return Result(IDLE, [Notice("unknown_topic")], [])
    node = event.node if event.node in dialog.nodes else dialog.opening(event.topics_done)
    effects: list[Effect] = [DialogStarted(dialog.id, event.at)]
    return _enter(content, dialog, node, event, effects=effects)


def _choose(content: Content, state: DialogState, event: Choose) -> Result:
    dialog = content.dialogs.get(event.dialog)
    node = dialog.nodes.get(event.node) if dialog else None
    if dialog is None or node is None or not 0 <= event.index < len(node.buttons):
        return Result(state, [Notice("unknown_button")], [])
    if (state.dialog, state.node, state.awaiting_share) != (event.dialog, event.node, False):
        return Result(state, [Notice("stale_button")], [])
    button = node.buttons[event.index]
    lang = content.lang(event.lang)
    settled = Say(content.t("chosen", lang, label=button.label[lang]), replace=True, append=True)
    nxt = _enter(content, dialog, button.next, event, effects=[])
    return Result(nxt.state, [settled, *nxt.outputs], nxt.effects)


def _answer(content: Content, state: DialogState, event: Answer) -> Result:
    node = _current(content, state)
    if node is None:
        return Result(state, [Notice("not_expecting_text")], [])
    if node.ask is None or state.awaiting_share:
        return _heard_at_buttons(content, state, node, event)
    dialog = content.dialogs[state.dialog or ""]
    if not event.text.strip():
        # Only spaces (a console, a client that sends them): nothing to keep as an answer.
        words = Say(content.t("answer_in_words", event.lang), ack=True)
        return Result(state, [words, _say(content, dialog, node, event.lang)], [])
    effects: list[Effect] = [
        SaveReflection(dialog.id, node.id, node.ask.key, event.text, node.ask.together, event.at)
    ]
    heard = _acknowledge(content, node, event)
    if node.ask.shareable and not node.ask.together and event.has_partner:
        ask_share = Say(
            content.t("share_question", event.lang),
            _share_keyboard(content, dialog.id, node.id, event.lang),
        )
        state = DialogState(dialog.id, node.id, awaiting_share=True)
        return Result(state, [*heard, ask_share], effects)
    nxt = _enter(content, dialog, node.next or "", event, effects=effects)
    return Result(nxt.state, [*heard, *nxt.outputs], nxt.effects)


HEARTFELT_WORDS = 4
"""A typed message this long where a button is expected is someone saying something."""


def _heard_at_buttons(content: Content, state: DialogState, node: Node, event: Answer) -> Result:
    """Text where a choice was expected: heard, not stored, and the same step shown again.

    A few words ("ok", "yes") get a short pointer to the buttons; something longer is
    acknowledged as what it is. Either way the buttons come again right below.
    """
    key = "heard_at_buttons" if len(event.text.split()) >= HEARTFELT_WORDS else "use_buttons"
    dialog = content.dialogs[state.dialog or ""]
    if state.awaiting_share:
        again = Say(
            content.t("share_question", event.lang),
            _share_keyboard(content, dialog.id, node.id, event.lang),
        )
    else:
        again = _say(content, dialog, node, event.lang)
    return Result(state, [Say(content.t(key, event.lang), ack=True), again], [])


def _acknowledge(content: Content, node: Node, event: Answer) -> list[Output]:
    """One of the question's own acknowledgements, chosen by the answer so it varies.

    Transports show it at the start of the next message, not as a message of its own.
    """
    chosen = acknowledgement(content, node, event.text, event.lang)
    return [] if chosen is None else [Say(chosen, ack=True)]


def acknowledgement(content: Content, node: Node, text: str, lang: str) -> str | None:
    """The question's own acknowledgement of `text` (the same answer, the same line), if any."""
    acks = node.ask.ack if node.ask else ()
    if not acks:
        return None
    return acks[zlib.crc32(text.encode()) % len(acks)][content.lang(lang)]


def _share(content: Content, state: DialogState, event: Share) -> Result:
    if (state.dialog, state.node, state.awaiting_share) != (event.dialog, event.node, True):
        return Result(state, [Notice("stale_button")], [])
    dialog = content.dialogs[event.dialog]
    node = dialog.nodes[event.node]
    assert node.ask is not None  # awaiting_share is only ever set on a question
    if event.share:
        # Whether it reached the partner is only known to the effect runner,
        # so the runner confirms it (or explains why it could not be sent).
        effects: list[Effect] = [ReflectionShared(dialog.id, node.id, node.ask.key, event.at)]
        nxt = _enter(content, dialog, node.next or "", event, effects=effects)
        return nxt
    confirm = Say(content.t("kept_private", event.lang), replace=True)
    nxt = _enter(content, dialog, node.next or "", event, effects=[])
    return Result(nxt.state, [confirm, *nxt.outputs], nxt.effects)


def _resume(content: Content, state: DialogState, event: Resume) -> Result:
    node = _current(content, state)
    if node is None:
        return Result(IDLE, [Notice("nothing_to_resume")], [])
    dialog = content.dialogs[state.dialog or ""]
    if state.awaiting_share and not event.has_partner:
        # The partner left meanwhile: nothing to share with, so the answer stays private.
        return _enter(content, dialog, node.next or "", event, effects=[])
    if state.awaiting_share:
        keyboard = _share_keyboard(content, dialog.id, node.id, event.lang)
        return Result(state, [Say(content.t("share_question", event.lang), keyboard)], [])
    return Result(state, [_say(content, dialog, node, event.lang)], [])


def _enter(
    content: Content,
    dialog: Dialog,
    node_id: str,
    event: Event,
    effects: list[Effect],
) -> Result:
    """Show nodes from `node_id` until one waits for the person (or the dialog ends)."""
    outputs: list[Output] = []
    seen: set[tuple[str, str]] = set()
    while (dialog.id, node_id) not in seen:
        seen.add((dialog.id, node_id))
        node = dialog.nodes[node_id]
        if node.action:
            effects.append(Action(node.action, dialog.id, node.id, dict(node.params), event.at))
        if node.text is not None:
            outputs.append(_say(content, dialog, node, event.lang))
        if node.goto:
            effects.append(DialogFinished(dialog.id, event.at))
            dialog, node_id = content.dialogs[node.goto], content.dialogs[node.goto].start
            effects.append(DialogStarted(dialog.id, event.at))
            continue
        if node.end:
            effects.append(DialogFinished(dialog.id, event.at))
            return Result(IDLE, outputs, effects)
        if node.buttons or node.ask:
            return Result(DialogState(dialog.id, node.id), outputs, effects)
        node_id = node.next or ""
    raise ValueError(f"dialog {dialog.id!r} loops without waiting at {node_id!r}")


def _say(content: Content, dialog: Dialog, node: Node, lang: str) -> Say:
    text = (node.text or {})[content.lang(lang)]
    return Say(text, _keyboard(content, dialog, node, lang))


def _keyboard(content: Content, dialog: Dialog, node: Node, lang: str) -> Keyboard:
    lang = content.lang(lang)
    if node.buttons:
        return tuple(
            (KeyButton(b.label[lang], callbacks.Nav(dialog.id, node.id, i).pack()),)
            for i, b in enumerate(node.buttons)
        )
    if node.end:
        rows: list[tuple[KeyButton, ...]] = []
        if node.suggest:
            label = content.t("next_topic", lang, title=content.title(node.suggest, lang))
            rows.append((KeyButton(label, callbacks.Topic(node.suggest).pack()),))
        rows.append((KeyButton(content.t("all_topics", lang), callbacks.TopicsMenu().pack()),))
        return tuple(rows)
    return ()


def _share_keyboard(content: Content, dialog: str, node: str, lang: str) -> Keyboard:
    return (
        (KeyButton(content.t("keep_private", lang), callbacks.Share(dialog, node, False).pack()),),
        (
            KeyButton(
                content.t("share_with_partner", lang), callbacks.Share(dialog, node, True).pack()
            ),
        ),
    )


def _current(content: Content, state: DialogState) -> Node | None:
    dialog = content.dialogs.get(state.dialog or "")
    return dialog.nodes.get(state.node or "") if dialog else None
