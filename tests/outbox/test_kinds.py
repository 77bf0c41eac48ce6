"""Every kind of message one partner sends the other is either named to its sender when
it is undelivered (`undelivered_what_<kind>`, in every language) or listed as silent, with
a reason (`bot.outbox.store.SILENT`). The kinds are read from the code: every
`to_partner`/`to_partner_now`/`composed_to_partner` call and every `Outbound` naming a
`sender_id`, so a new
kind of partner message cannot slip by without a decision. And every `Outbound` that may
reach someone other than the person whose turn it is names its `kind`: one with no kind
goes to that person's own chat, or is listed in `NOT_TO_A_PARTNER` with a reason."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

import bot
from bot.outbox.store import OUTBOX, SILENT, UNDELIVERED_KIND, Outbox
from bot.sending import Outcome
from bot.storage import repo
from bot.storage.db import session_factory
from bot.turn import Outbound
from tests.support.clock import Clock

ALEX, SAM = 1001, 1002
WORDS = "the words only Sam was meant to read"
PREFIX = "undelivered_what_"


class Unresolved(Exception):
    pass


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _enclosing(tree: ast.Module, target: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef:
    inner = [f for f in _functions(tree) if any(n is target for n in ast.walk(f))]
    return min(inner, key=lambda f: len(list(ast.walk(f))))


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _keys(tree: ast.Module, expr: ast.AST, where: ast.AST) -> set[str]:
    """Every dialog key `expr` (an argument at `where`) can be: literal strings,
    either side of an `if`, a literal dict's `.get` with its default, a local name
    assigned those, or a parameter (through every call of its function in the module)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _keys(tree, expr.body, where) | _keys(tree, expr.orelse, where)
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get"
        and isinstance(expr.func.value, ast.Dict)
    ):
        found = set().union(*(_keys(tree, v, where) for v in expr.func.value.values))
        return found | set().union(*(_keys(tree, a, where) for a in expr.args[1:]))
    if isinstance(expr, ast.Name):
        function = _enclosing(tree, where)
        assigned = [
            node
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
        ]
        if assigned:
            return set().union(*(_keys(tree, node.value, node) for node in assigned))
        names = [a.arg for a in function.args.args]
        if expr.id in names:
            position = names.index(expr.id)
            found: set[str] = set()
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                if _called(call) != function.name:
                    continue
                if position < len(call.args):
                    found |= _keys(tree, call.args[position], call)
                found |= set().union(
                    *(_keys(tree, k.value, call) for k in call.keywords if k.arg == expr.id)
                )
            if found:
                return found
    raise Unresolved(ast.unparse(expr))


OWN_CHAT = {"turn.user.chat_id", "self.user.chat_id"}
"""The chat of the person whose turn it is: a message there needs no kind."""
GROUP = "the Talk Table's group chat, which both partners read; no one's private message"
NOT_TO_A_PARTNER = {
    ("store.py", "decode", "chat_id"): (
        "a message read back from its outbox row, which keeps the kind and sender it was "
        "staged with (`tell_sender` reads them there)"
    ),
    ("ending.py", "end_quietly", "row.chat_id"): GROUP,
    ("ending.py", "partner_left", "row.chat_id"): GROUP,
    ("notes.py", "_reveal_if_both", "row.chat_id"): GROUP,
    ("pauses.py", "resume", "row.chat_id"): GROUP,
    ("table.py", "_to_group", "group.chat_id"): GROUP,
    ("group.py", "_refuse", "event.chat_id"): GROUP,
    ("group.py", "_toast", "event.user_id"): (
        "a toast answering the press of whoever pressed a button in the group, shown "
        "to them alone and never kept"
    ),
}
"""`Outbound`s with no kind whose recipient is not written as the person's own chat,
by file, function and recipient, each with why it is no message to a partner."""


def _recipient(call: ast.Call) -> ast.expr:
    keywords = {k.arg: k.value for k in call.keywords}
    return call.args[0] if call.args else keywords["chat_id"]


def _own_chat(tree: ast.Module, expr: ast.expr, where: ast.AST) -> bool:
    """`expr` is the person's own chat: written so, or a local name assigned it
    (`chat, uid = self.user.chat_id, self.user.id` too)."""
    if ast.unparse(expr) in OWN_CHAT:
        return True
    if not isinstance(expr, ast.Name):
        return False
    values = []
    for node in ast.walk(_enclosing(tree, where)):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == expr.id:
                values.append(node.value)
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                values += [
                    v
                    for t, v in zip(target.elts, node.value.elts, strict=False)
                    if isinstance(t, ast.Name) and t.id == expr.id
                ]
    return bool(values) and all(ast.unparse(v) in OWN_CHAT for v in values)


def unkinded() -> tuple[list[str], set[tuple[str, str, str]]]:
    """Every `Outbound` in bot/ with no kind that may reach someone else than the
    person whose turn it is and is not listed; and the listed ones that were found."""
    strays: list[str] = []
    listed: set[tuple[str, str, str]] = set()
    root = Path(bot.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if _called(call) != "Outbound" or any(k.arg == "kind" for k in call.keywords):
                continue
            chat = _recipient(call)
            if _own_chat(tree, chat, call):
                continue
            place = (path.name, _enclosing(tree, call).name, ast.unparse(chat))
            if place in NOT_TO_A_PARTNER:
                listed.add(place)
                continue
            where = f"{path.relative_to(root.parent)}:{call.lineno}"
            strays.append(f"{where} ({place[1]}, to {place[2]})")
    return strays, listed


def test_every_message_that_may_reach_a_partner_names_its_kind() -> None:
    """A message with no kind to a partner is one nobody could be told about if it did not
    arrive, and one the decision above never sees: each is to the person's own chat, or
    listed (by file, function and recipient) with why it is no message to a partner."""
    strays, listed = unkinded()
    assert strays == [], "give each its kind (and sender), or list it in NOT_TO_A_PARTNER"
    assert listed == set(NOT_TO_A_PARTNER), "a stale entry in NOT_TO_A_PARTNER"
    for place, reason in NOT_TO_A_PARTNER.items():
        assert len(reason.split()) >= 8, f"{place}: say why it is no message to a partner"


SENDING = ("to_partner", "to_partner_now", "composed_to_partner")
"""`Turn`'s ways to a partner, each with the message's kind first."""


def partner_kinds() -> dict[str, str]:
    """Each kind of message to a partner that names its sender, and where it is sent."""
    kinds: dict[str, str] = {}
    for path in sorted(Path(bot.__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            keywords = {k.arg: k.value for k in call.keywords}
            if _called(call) in SENDING and call.args:
                link = keywords.get("about_the_link")
                if isinstance(link, ast.Constant) and link.value is True:
                    continue  # news of the link itself names no sender
                key = call.args[0]
            elif _called(call) == "Outbound" and "sender_id" in keywords:
                if "kind" not in keywords:
                    raise AssertionError(f"{path}:{call.lineno}: a partner message with no kind")
                key = keywords["kind"]
            else:
                continue
            if _enclosing(tree, call).name in SENDING:
                continue  # the sending itself (bot.turn), passing on its caller's key
            try:
                found = _keys(tree, key, call)
            except Unresolved as unknown:
                where = f"{path.relative_to(Path(bot.__file__).parent.parent)}:{call.lineno}"
                raise AssertionError(f"{where}: cannot tell which key {unknown} is") from None
            for kind in found:
                kinds.setdefault(kind, f"{path.name}:{call.lineno}")
    return kinds


def test_the_scan_finds_the_partner_messages_we_know() -> None:
    """The scan is not vacuous: it finds kinds sent in each of its three ways."""
    kinds = partner_kinds()
    assert {
        "partner_shared",  # an Outbound naming its sender (conversations)
        "cooldown_notice",  # to_partner_now, the key chosen by an `if`
        "cooldown_starter_moment",  # a parameter, through the calls of its function
        "nudge_curiosity_shared",  # a dict's .get
        "nudge_appreciation_shared",  # ... and its default
        "together_reminder",  # to_partner, a literal
        "path_compare_result",  # an Outbound naming its sender (a comparison)
        "lovemaps_reveal",
        "followup_reveal",
        "table_understood_shown",
    } <= set(kinds)
    assert "link_ended" not in kinds, "news of the link names no sender"


def test_every_partner_message_is_described_for_its_sender_or_silent_with_a_reason(
    content,
) -> None:
    undecided = []
    for kind, where in sorted(partner_kinds().items()):
        described = PREFIX + kind in content.ui
        if described == (kind in SILENT):
            state = "both described and silent" if described else "neither described nor silent"
            undecided.append(f"{kind} ({where}): {state}")
    assert undecided == []
    for kind, reason in SILENT.items():
        assert len(reason.split()) >= 8, f"{kind}: say why its sender is not told"


def test_every_description_is_of_a_partner_message_and_in_every_language(content) -> None:
    kinds = partner_kinds()
    described = sorted(key.removeprefix(PREFIX) for key in content.ui if key.startswith(PREFIX))
    assert [kind for kind in described if kind not in kinds] == [], "a stale description"
    for kind in described:
        for lang in content.languages:
            text = content.t(PREFIX + kind, lang, title="T")
            assert text and len(text) <= 80, (kind, lang, text)


@pytest.fixture
def sessions(db_engine):
    return session_factory(db_engine)


@pytest.fixture
async def outbox(sessions, clock: Clock, content) -> Outbox:
    async with sessions() as s, s.begin():
        await repo.ensure_user(s, ALEX, ALEX, "Alex", "en", clock.now)
        await repo.ensure_user(s, SAM, SAM, "Sam", "tr", clock.now)
    return Outbox(sessions, clock, owner="first", content=content)


async def blocked(
    outbox: Outbox, kind: str, about: str | None = json.dumps({"dialog": "redefining"})
) -> list[Outbound]:
    """Alex sends Sam a message of `kind`; Sam has blocked the bot. What Alex is sent."""
    out = Outbound(SAM, SAM, WORDS, kind=kind, sender_id=ALEX, about=about)
    async with outbox.sessions() as session, session.begin():
        [staged] = await outbox.stage(session, [out], outbox.clock())
    assert await outbox.admit(staged)
    await outbox.done(staged, Outcome.BLOCKED)
    return [o for o in await outbox.reclaim() if o.chat_id == ALEX]


@pytest.mark.parametrize("kind", sorted(set(partner_kinds()) - set(SILENT)))
async def test_the_sender_is_told_what_did_not_arrive_by_name(outbox: Outbox, content, kind):
    title = content.title("redefining", "en")
    what = content.t(PREFIX + kind, "en", title=title)
    [told] = await blocked(outbox, kind)
    assert told.text == content.t("undelivered_blocked", "en", what=what, partner="Sam")
    assert WORDS not in told.text


async def test_a_message_that_names_no_conversation_is_told_of_all_the_same(
    outbox: Outbox, content
) -> None:
    """A break's notice to the partner names no conversation (no `about`)."""
    what = content.t(PREFIX + "cooldown_notice", "en", title="")
    [told] = await blocked(outbox, "cooldown_notice", about=None)
    assert told.text == content.t("undelivered_blocked", "en", what=what, partner="Sam")


async def test_a_conversation_since_taken_out_of_the_dialogs_is_named_by_no_title(
    outbox: Outbox, content
) -> None:
    """A new release without the conversation a pending message was about."""
    what = content.t(PREFIX + "partner_shared", "en", title="")
    [told] = await blocked(outbox, "partner_shared", about=json.dumps({"dialog": "gone"}))
    assert told.text == content.t("undelivered_blocked", "en", what=what, partner="Sam")


@pytest.mark.parametrize("kind", sorted(SILENT))
async def test_a_silent_kind_tells_its_sender_nothing(outbox: Outbox, kind):
    assert await blocked(outbox, kind) == []
    async with outbox.sessions() as session:
        query = select(OUTBOX.c.id).where(OUTBOX.c.kind == UNDELIVERED_KIND)
        assert (await session.exec(query)).all() == []
