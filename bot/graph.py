"""Draw a dialog as a Graphviz diagram so authors can see its tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.engine.content import Content, Node


def to_dot(content: Content, dialog_id: str, lang: str | None = None) -> str:
    dialog = content.dialogs[dialog_id]
    lang = lang or content.default_language
    lines = [f'digraph "{dialog_id}" {{', "  rankdir=TB;", "  node [shape=box, fontsize=10];"]
    for node in dialog.nodes.values():
        lines.append(f'  "{node.id}" [label="{_label(node, lang)}"{_style(node, dialog.start)}];')
        for button in node.buttons:
            lines.append(
                f'  "{node.id}" -> "{button.next}" [label="{_escape(button.label[lang])}"];'
            )
        if node.next:
            style = ' [label="answer", style=dashed]' if node.ask else ""
            lines.append(f'  "{node.id}" -> "{node.next}"{style};')
        for target in filter(None, [node.goto, node.suggest]):
            lines.append(f'  "{node.id}" -> "dialog:{target}" [style=dotted];')
            lines.append(f'  "dialog:{target}" [shape=ellipse, label="{target}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_graph(content: Content, dialog_id: str, out: str | None = None) -> str:
    """Write DOT (and SVG when Graphviz's `dot` is installed); say what was written."""
    if dialog_id not in content.dialogs:
        raise SystemExit(
            f"unknown dialog {dialog_id!r}; known: {', '.join(sorted(content.dialogs))}"
        )
    base = Path(out or dialog_id)
    dot_path = base.with_suffix(".dot")
    dot_path.write_text(to_dot(content, dialog_id), encoding="utf-8")
    written = [str(dot_path)]
    dot = shutil.which("dot")
    if dot:
        svg_path = base.with_suffix(".svg")
        subprocess.run([dot, "-Tsvg", str(dot_path), "-o", str(svg_path)], check=True)
        written.append(str(svg_path))
    return "wrote " + " and ".join(written)


def _label(node: Node, lang: str) -> str:
    text = (node.text or {}).get(lang, "")
    short = text if len(text) <= 60 else text[:57] + "…"
    kind = "question" if node.ask else "end" if node.end else ""
    head = f"{node.id} ({kind})" if kind else node.id
    return _escape(f"{head}\\n{short}")


def _style(node: Node, start: str) -> str:
    if node.id == start:
        return ", style=bold"
    if node.end:
        return ", shape=doubleoctagon"
    if node.ask:
        return ", shape=note"
    return ""


def _escape(text: str) -> str:
    return text.replace('"', '\\"').replace("\n", " ")
