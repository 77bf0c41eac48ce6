"""The real conversations, walked exhaustively in every language.

Every button and every answer path is followed (with and without a partner,
sharing and not), so every node is shown to be reachable and every path to
end, and every message to fit on a phone and in Telegram's limits.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import pytest

from bot.config import PROJECT_ROOT
from bot.engine import payloads
from bot.engine.content import Content
from bot.engine.events import Answer, Begin, Choose, Event, Share
from bot.engine.outputs import Say
from bot.engine.state import DialogState
from bot.engine.step import step

AT = datetime(2026, 1, 1, tzinfo=UTC)
ARTICLE_DIGESTS = PROJECT_ROOT / "tests" / "data" / "article_6grams.sha256"
MOBILE_LIMIT = 700  # characters: comfortably one phone screen
ARTICLE_TOPICS = 13
"""The article's nine sections, plus four ideas its opening raises: the pressure of modern
life, chemistry is not enough, calming each other, and closeness that feels fragile."""
OUR_WORDS = ("dialogs", "data")
"""Every folder of text we wrote; the copy check reads every YAML file under them."""


def walk(content: Content, dialog: str, lang: str, partner: bool) -> tuple[set[str], int]:
    """Visit every reachable (state) once; return the nodes shown and the number of endings."""
    ctx = {"at": AT, "lang": lang, "has_partner": partner}
    openings = {0, *content.dialogs[dialog].start_by_progress}  # every way in, by progress
    shown: set[str] = set()
    endings = 0
    todo = [
        step(content, DialogState(), Begin(dialog=dialog, topics_done=done, **ctx))
        for done in openings
    ]
    seen: set[DialogState] = set()
    while todo:
        state, outputs, _ = todo.pop()
        for out in outputs:
            assert isinstance(out, Say), f"{dialog}/{lang}: unexpected notice {out}"
            assert len(out.text) <= 4096
            for row in out.keyboard:
                for button in row:
                    assert len(button.data.encode()) <= payloads.MAX_BYTES
        if state.idle or state.dialog != dialog:
            endings += 1
            continue
        shown.add(state.node or "")
        if state in seen:
            continue
        seen.add(state)
        todo += [step(content, state, e) for e in next_events(content, state, ctx)]
    return shown, endings


def next_events(content: Content, state: DialogState, ctx: dict) -> list[Event]:
    dialog = content.dialogs[state.dialog or ""]
    node = dialog.nodes[state.node or ""]
    if state.awaiting_share:
        return [Share(dialog=dialog.id, node=node.id, share=s, **ctx) for s in (True, False)]
    if node.ask is not None:
        return [Answer(text="a sample answer", **ctx)]
    return [
        Choose(dialog=dialog.id, node=node.id, index=i, **ctx) for i in range(len(node.buttons))
    ]


def test_there_is_a_conversation_for_every_article_section_and_idea(content: Content) -> None:
    assert len(content.topics) == ARTICLE_TOPICS
    assert content.topics[-1] == "closing"


@pytest.mark.parametrize("partner", [False, True], ids=["alone", "with-partner"])
@pytest.mark.parametrize("lang", ["en", "tr"])
def test_every_node_is_reachable_and_every_path_ends(
    content: Content, lang: str, partner: bool
) -> None:
    for dialog_id, dialog in content.dialogs.items():
        shown, endings = walk(content, dialog_id, lang, partner)
        waiting = {n.id for n in dialog.nodes.values() if n.buttons or n.ask}
        assert waiting <= shown, f"{dialog_id}: never reached {waiting - shown}"
        assert endings > 0, f"{dialog_id}: no path ends"


def test_messages_are_short_enough_for_a_phone(content: Content) -> None:
    for dialog in content.dialogs.values():
        for node in dialog.nodes.values():
            for lang, text in (node.text or {}).items():
                assert len(text) <= MOBILE_LIMIT, f"{dialog.id}/{node.id}/{lang}"


def test_each_topic_has_questions_a_branch_a_couple_question_and_a_next_step(
    content: Content,
) -> None:
    for topic in content.topics:
        nodes = content.dialogs[topic].nodes.values()
        assert any(n.ask and not n.ask.together for n in nodes), f"{topic}: no reflection"
        assert sum(1 for n in nodes if n.ask and n.ask.together) >= 1, (
            f"{topic}: no couple question"
        )
        assert any(len({b.next for b in n.buttons}) > 1 for n in nodes), f"{topic}: no branch"
        if topic != "closing":
            assert any(n.end and n.suggest for n in nodes), f"{topic}: suggests nothing next"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def _digest(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:16]


def test_no_sentence_of_the_article_is_copied() -> None:
    """Six or more consecutive article words in our text would be copying, not paraphrase.

    The article itself is not part of the project; only digests of its
    six-word runs are kept (tests/data), so the check runs anywhere.
    """
    lines = ARTICLE_DIGESTS.read_text(encoding="utf-8").splitlines()
    runs = {line for line in lines if line and not line.startswith("#")}
    assert len(runs) > 1000, "the digest file should cover the whole article"
    files = [path for folder in OUR_WORDS for path in (PROJECT_ROOT / folder).rglob("*.yaml")]
    assert len(files) > 20
    for path in files:
        ours = _words(path.read_text(encoding="utf-8"))
        copied = [
            " ".join(ours[i : i + 6])
            for i in range(len(ours) - 5)
            if _digest(ours[i : i + 6]) in runs
        ]
        assert not copied, f"{path.name} copies the article: {copied[:3]}"


def test_every_couple_question_has_a_short_form_for_the_reveal(content: Content) -> None:
    for dialog in content.dialogs.values():
        for node in dialog.nodes.values():
            if node.ask and node.ask.together:
                assert node.ask.summary, f"{dialog.id}/{node.id}"
                assert all(len(t) <= 80 for t in node.ask.summary.values())


def test_every_question_has_its_own_varied_acknowledgements(content) -> None:
    """An answer is met by words that fit the question, not one line repeated everywhere."""
    seen: dict[str, str] = {}
    for dialog in content.dialogs.values():
        for node in dialog.nodes.values():
            if node.ask is None:
                continue
            where = f"{dialog.id}.{node.id}"
            assert len(node.ask.ack) >= 2, f"{where} needs at least two acknowledgements"
            for ack in node.ask.ack:
                assert len(ack["en"]) <= 120, f"{where}: keep acknowledgements short"
                assert seen.setdefault(ack["en"], where) == where, f"{where} repeats {ack['en']!r}"


def test_a_short_break_is_a_mola_in_every_turkish_text() -> None:
    """Issue 15, item 11: "Kısa bir araya ihtiyacım var" reads as "I need a short
    gathering"; a pause is a "mola" wherever Attune says it, dialogs and data alike."""
    files = [*(PROJECT_ROOT / "dialogs").rglob("*.yaml"), *(PROJECT_ROOT / "data").rglob("*.yaml")]
    wrong = [str(f) for f in files if "bir araya ihtiyacım" in f.read_text(encoding="utf-8")]
    assert not wrong, wrong
    said = (PROJECT_ROOT / "dialogs" / "safety.yaml").read_text(encoding="utf-8")
    assert "Kısa bir molaya ihtiyacım var" in said
