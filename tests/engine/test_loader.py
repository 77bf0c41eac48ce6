"""The validator refuses every broken dialog set, naming the file, the node and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.loader import ContentError, load_content
from tests.engine.dialog_files import write_dialogs

GOOD = """
id: good
title: {en: Good, tr: İyi}
start: a
nodes:
  a:
    text: {en: A, tr: A}
    buttons:
      - {label: {en: Next, tr: Sonraki}, next: b}
  b:
    text: {en: B, tr: B}
    end: true
"""


def problems_for(tmp_path: Path, text: str, name: str = "bad.yaml") -> list[str]:
    write_dialogs(tmp_path, {name: text}, topics=[])
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    return [str(p) for p in caught.value.problems]


def dialog(nodes: str, *, dialog_id: str = "bad", start: str = "a") -> str:
    return f"id: {dialog_id}\ntitle: {{en: Bad, tr: Kötü}}\nstart: {start}\nnodes:\n{nodes}"


def test_a_good_set_loads(tmp_path: Path) -> None:
    write_dialogs(tmp_path, {"good.yaml": GOOD}, topics=["good"])
    content = load_content(tmp_path)
    assert content.topics == ("good",) and content.dialogs["good"].nodes["b"].end


def test_unknown_target_node(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n"
        "    buttons:\n      - {label: {en: x, tr: x}, next: nowhere}\n"
    )
    assert "bad.yaml: a: unknown target node 'nowhere'" in problems_for(tmp_path, dialog(nodes))


def test_unknown_target_dialog(tmp_path: Path) -> None:
    nodes = "  a:\n    text: {en: A, tr: A}\n    goto: missing\n"
    assert "bad.yaml: a: unknown target dialog 'missing'" in problems_for(tmp_path, dialog(nodes))


def test_unknown_start_node(tmp_path: Path) -> None:
    nodes = "  a:\n    text: {en: A, tr: A}\n    end: true\n"
    found = problems_for(tmp_path, dialog(nodes, start="zzz"))
    assert "bad.yaml: start: unknown node 'zzz'" in found


def test_unreachable_node(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n    end: true\n"
        "  island:\n    text: {en: I, tr: I}\n    end: true\n"
    )
    assert "bad.yaml: island: unreachable from the start node" in problems_for(
        tmp_path, dialog(nodes)
    )


def test_node_with_no_way_on(tmp_path: Path) -> None:
    nodes = "  a:\n    text: {en: A, tr: A}\n"
    found = problems_for(tmp_path, dialog(nodes))
    assert "bad.yaml: a: no way on: add buttons, ask, next, goto or end" in found


def test_a_question_needs_next(tmp_path: Path) -> None:
    nodes = "  a:\n    text: {en: A, tr: A}\n    ask: {key: k}\n"
    assert "bad.yaml: a: a question needs `next` for after the answer" in problems_for(
        tmp_path, dialog(nodes)
    )


def test_two_ways_on_is_ambiguous(tmp_path: Path) -> None:
    nodes = "  a:\n    text: {en: A, tr: A}\n    end: true\n    next: a\n"
    found = problems_for(tmp_path, dialog(nodes))
    assert any("a: more than one way on" in p for p in found)


def test_a_loop_that_never_waits_is_refused(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n    next: b\n  b:\n    text: {en: B, tr: B}\n    next: a\n"
    )
    found = problems_for(tmp_path, dialog(nodes))
    assert "bad.yaml: a: no path from here reaches an end" in found


def test_a_trap_with_buttons_but_no_end_is_refused(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n    buttons:\n      - {label: {en: x, tr: x}, next: b}\n"
        "  b:\n    text: {en: B, tr: B}\n    buttons:\n      - {label: {en: y, tr: y}, next: a}\n"
    )
    found = problems_for(tmp_path, dialog(nodes))
    assert "bad.yaml: a: no path from here reaches an end" in found


def test_duplicate_node_ids(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n    end: true\n"
        "  a:\n    text: {en: B, tr: B}\n    end: true\n"
    )
    found = problems_for(tmp_path, dialog(nodes))
    assert len(found) == 1 and "bad.yaml" in found[0] and "duplicate id 'a'" in found[0]


def test_duplicate_dialog_ids_across_files(tmp_path: Path) -> None:
    write_dialogs(tmp_path, {"one.yaml": GOOD, "two.yaml": GOOD}, topics=[])
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "two.yaml: good: duplicate dialog id (also in one.yaml)"
    ]


def test_message_over_telegram_limit(tmp_path: Path) -> None:
    long = "x" * 4097
    nodes = f"  a:\n    text: {{en: {long}, tr: A}}\n    end: true\n"
    assert "bad.yaml: a: en text is 4097 chars, over 4096" in problems_for(tmp_path, dialog(nodes))


def test_button_data_over_64_bytes(tmp_path: Path) -> None:
    node_id = "n" * 60
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n"
        f"    buttons:\n      - {{label: {{en: x, tr: x}}, next: {node_id}}}\n"
        f"  {node_id}:\n    text: {{en: B, tr: B}}\n"
        "    buttons:\n      - {label: {en: x, tr: x}, next: z}\n"
        "  z:\n    text: {en: Z, tr: Z}\n    end: true\n"
    )
    found = problems_for(tmp_path, dialog(nodes))
    assert any(
        p.startswith(f"bad.yaml: {node_id}: button data") and "over 64 bytes" in p for p in found
    )


def test_missing_translation_in_text_and_button(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A}\n    buttons:\n      - {label: {en: x}, next: b}\n"
        "  b:\n    text: {en: B, tr: B}\n    end: true\n"
    )
    found = problems_for(tmp_path, dialog(nodes))
    assert "bad.yaml: a: missing translation 'tr'" in found
    assert "bad.yaml: a.buttons[0]: missing translation 'tr'" in found


def test_missing_translation_in_interface_strings(tmp_path: Path) -> None:
    write_dialogs(tmp_path, {"good.yaml": GOOD}, topics=[])
    (tmp_path / "ui" / "extra.yaml").write_text("hello:\n  en: Hi\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert "ui/extra.yaml: hello: missing translation 'tr'" in [
        str(p) for p in caught.value.problems
    ]


def test_duplicate_interface_string_keys(tmp_path: Path) -> None:
    write_dialogs(tmp_path, {"good.yaml": GOOD}, topics=[])
    (tmp_path / "ui" / "zz.yaml").write_text(
        "help_header:\n  en: Hi\n  tr: Selam\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert "ui/zz.yaml: help_header: duplicate string key (also in ui/core.yaml)" in [
        str(p) for p in caught.value.problems
    ]


def test_unknown_fields_and_bad_yaml_are_reported(tmp_path: Path) -> None:
    nodes = "  a:\n    txt: {en: A, tr: A}\n    end: true\n"
    found = problems_for(tmp_path, dialog(nodes))
    assert any(p.startswith("bad.yaml: a: txt") for p in found)
    broken = problems_for(tmp_path / "b", "id: [unclosed\n")
    assert broken[0].startswith("bad.yaml: -: not valid YAML")


def test_unknown_topic_in_index(tmp_path: Path) -> None:
    write_dialogs(tmp_path, {"good.yaml": GOOD}, topics=["good", "ghost"])
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert [str(p) for p in caught.value.problems] == ["index.yaml: topics: unknown dialog 'ghost'"]


def test_the_real_dialogs_are_valid(content) -> None:
    assert content.languages == ("en", "tr")


def test_question_keys_are_unique_within_a_dialog(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n    ask: {key: k}\n    next: b\n"
        "  b:\n    text: {en: B, tr: B}\n    ask: {key: k}\n    next: c\n"
        "  c:\n    text: {en: C, tr: C}\n    end: true\n"
    )
    found = problems_for(tmp_path, dialog(nodes))
    assert "bad.yaml: b: question key 'k' is already used by 'a'" in found


def test_suggest_belongs_on_end_nodes(tmp_path: Path) -> None:
    nodes = (
        "  a:\n    text: {en: A, tr: A}\n    next: c\n    suggest: bad\n"
        "  c:\n    text: {en: C, tr: C}\n    end: true\n"
    )
    assert "bad.yaml: a: `suggest` only makes sense on an end node" in problems_for(
        tmp_path, dialog(nodes)
    )
