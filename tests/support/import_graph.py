"""Draw bot/'s imports between packages as docs/import-graph.svg (needs Graphviz's `dot`).

    python -m tests.support.import_graph

Modules are gathered into their package (bot.cooldown.*, bot.engine.*), and
packages into rows by layer, so the picture shows what tests/test_architecture.py
checks: arrows only point down, from the roots through features to the core.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import grimp

from bot.config import PROJECT_ROOT
from bot.features import FEATURES

OUT = PROJECT_ROOT / "docs" / "import-graph.svg"
LAYERS = {
    "roots": ("bot.__main__", "bot.runtime", "bot.telegram", "bot.console", "bot.console_main"),
    "core": ("bot.coach", "bot.features", "bot.schema"),
    "seam": ("bot.plugins", "bot.turn", "bot.sending"),
    "storage": ("bot.storage", "bot.inbox", "bot.outbox"),
    "engine": ("bot.engine",),
}


def package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def edges(graph: grimp.ImportGraph) -> set[tuple[str, str]]:
    found = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = package_of(module), package_of(imported)
            if a != b and a != "bot" and b != "bot":
                found.add((a, b))
    return found


def to_dot(graph: grimp.ImportGraph) -> str:
    features = sorted({package_of(f.__module__) for f in FEATURES})
    layers = {"features": tuple(features), **LAYERS}
    placed = {p for group in layers.values() for p in group}
    packages = {package_of(m) for m in graph.modules} - {"bot"}
    layers["helpers"] = tuple(sorted(packages - placed))
    lines = [
        "digraph attune {",
        '  rankdir=TB; nodesep=0.25; ranksep=0.6; node [shape=box, style="rounded,filled",'
        ' fontname="Helvetica", fontsize=11, fillcolor="#f4f1ea"]; edge [color="#8a8a8a"];',
    ]
    for name, group in layers.items():
        lines.append(f'  subgraph "cluster_{name}" {{ label="{name}"; fontname="Helvetica";')
        for package in group:
            if package in packages:
                lines.append(f'    "{package}" [label="{package.removeprefix("bot.")}"];')
        lines.append("  }")
    for a, b in sorted(edges(graph)):
        lines.append(f'  "{a}" -> "{b}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    dot = shutil.which("dot")
    if dot is None:
        raise SystemExit("Graphviz's `dot` is needed: apt-get install graphviz")
    source = to_dot(grimp.build_graph("bot"))
    svg = subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, text=True, check=True)
    Path(OUT).write_text(svg.stdout)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
