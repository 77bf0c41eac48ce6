"""Load `dialogs/` into `Content`, refusing an invalid set with precise reasons.

Authors see every problem at once as `file: node: reason`, and the bot refuses
to start on any of them, so a typo never reaches a user mid-conversation.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.engine import callbacks
from bot.engine.content import Content, Dialog, Node, Text
from bot.engine.payloads import Payload

MAX_MESSAGE_CHARS = 4096
INDEX_FILE = "index.yaml"
UI_DIR = "ui"


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.reason}"


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """PyYAML silently keeps the last of two equal keys; a duplicate node id is a bug.

    Built on libyaml's parser when available: it reads our files ~5x faster,
    which is most of the bot's start-up time spent on content.
    """


def _no_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate id {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_content(root: Path) -> Content:
    """Read and validate every dialog and interface string under `root`."""
    problems: list[Problem] = []
    index = _read_yaml(root / INDEX_FILE, problems) or {}
    languages = tuple(index.get("languages") or ())
    if not languages:
        problems.append(Problem(INDEX_FILE, "languages", "list at least one language"))
    dialogs: dict[str, Dialog] = {}
    files: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name == INDEX_FILE:
            continue
        dialog = _parse_dialog(path, problems)
        if dialog is None:
            continue
        if dialog.id in dialogs:
            problems.append(
                Problem(path.name, dialog.id, f"duplicate dialog id (also in {files[dialog.id]})")
            )
            continue
        dialogs[dialog.id] = dialog
        files[dialog.id] = path.name
    ui, ui_files = _load_ui(root / UI_DIR, problems)
    topics = tuple(index.get("topics") or ())
    for topic in topics:
        if topic not in dialogs:
            problems.append(Problem(INDEX_FILE, "topics", f"unknown dialog {topic!r}"))
    for dialog_id, dialog in dialogs.items():
        problems += _check_dialog(files[dialog_id], dialog, dialogs, languages)
    for key, text in ui.items():
        problems += _check_text(ui_files[key], key, text, languages)
    if problems:
        raise ContentError(problems)
    return Content(
        languages=languages,
        dialogs=dialogs,
        topics=topics,
        ui=ui,
        default_language=index.get("default_language", languages[0]),
    )


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    name = path.name if path.parent.name != UI_DIR else f"{UI_DIR}/{path.name}"
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        problems.append(Problem(name, "-", "file is missing"))
    except yaml.YAMLError as exc:
        problems.append(Problem(name, "-", f"not valid YAML: {exc}".replace("\n", " ")))
    return None


def _parse_dialog(path: Path, problems: list[Problem]) -> Dialog | None:
    raw = _read_yaml(path, problems)
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes"), dict):
        problems.append(Problem(path.name, "-", "a dialog needs `id`, `title`, `start`, `nodes`"))
        return None
    raw_nodes = raw["nodes"]
    nodes: dict[str, Node] = {}
    for node_id, body in raw_nodes.items():
        try:
            nodes[str(node_id)] = Node.model_validate({**(body or {}), "id": str(node_id)})
        except ValidationError as exc:
            problems.append(Problem(path.name, str(node_id), _first_error(exc)))
    try:
        return Dialog.model_validate({**raw, "nodes": nodes})
    except ValidationError as exc:
        problems.append(Problem(path.name, "-", _first_error(exc)))
        return None


def _load_ui(ui_dir: Path, problems: list[Problem]) -> tuple[dict[str, Text], dict[str, str]]:
    """Interface strings, one file per feature, keys unique across files.

    Returns the strings and, per key, the file it came from (for error messages).
    """
    ui: dict[str, Text] = {}
    files: dict[str, str] = {}
    for path in sorted(ui_dir.glob("*.yaml")):
        name = f"{UI_DIR}/{path.name}"
        raw = _read_yaml(path, problems) or {}
        for key, text in raw.items():
            if key in ui:
                problems.append(Problem(name, key, f"duplicate string key (also in {files[key]})"))
            elif not isinstance(text, dict):
                problems.append(Problem(name, key, "needs one text per language"))
            else:
                ui[key] = {str(k): str(v) for k, v in text.items()}
                files[key] = name
    return ui, files


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def _check_dialog(
    file: str, dialog: Dialog, dialogs: dict[str, Dialog], languages: tuple[str, ...]
) -> list[Problem]:
    problems = _check_text(file, "title", dialog.title, languages)
    for start in [dialog.start, *dialog.start_by_progress.values()]:
        if start not in dialog.nodes:
            problems.append(Problem(file, "start", f"unknown node {start!r}"))
    keys: dict[str, str] = {}
    for node in dialog.nodes.values():
        problems += _check_node(file, dialog, node, dialogs, languages)
        if node.ask is not None and keys.setdefault(node.ask.key, node.id) != node.id:
            reason = f"question key {node.ask.key!r} is already used by {keys[node.ask.key]!r}"
            problems.append(Problem(file, node.id, reason))
    if problems:
        return problems
    reachable = set().union(
        *(_reachable(dialog, s) for s in [dialog.start, *dialog.start_by_progress.values()])
    )
    for node_id in dialog.nodes:
        if node_id not in reachable:
            problems.append(Problem(file, node_id, "unreachable from the start node"))
        elif not _can_finish(dialog, node_id):
            problems.append(Problem(file, node_id, "no path from here reaches an end"))
    return problems


def _check_node(
    file: str, dialog: Dialog, node: Node, dialogs: dict[str, Dialog], languages: tuple[str, ...]
) -> list[Problem]:
    def problem(reason: str) -> Problem:
        return Problem(file, node.id, reason)

    problems: list[Problem] = []
    ways = [bool(node.buttons), node.goto is not None, node.end]
    if node.ask is None and node.next is not None:
        ways.append(True)
    if sum(ways) == 0 and node.ask is None:
        problems.append(problem("no way on: add buttons, ask, next, goto or end"))
    if sum(ways) > 1 or (node.ask is not None and (node.buttons or node.goto or node.end)):
        problems.append(
            problem("more than one way on: choose one of buttons, ask, next, goto, end")
        )
    if node.ask is not None and node.next is None:
        problems.append(problem("a question needs `next` for after the answer"))
    if node.suggest is not None and not node.end:
        problems.append(problem("`suggest` only makes sense on an end node"))
    if node.text is None and (node.buttons or node.ask or node.end):
        problems.append(problem("needs `text` to show with its buttons or question"))
    for target in [b.next for b in node.buttons] + ([node.next] if node.next else []):
        if target not in dialog.nodes:
            problems.append(problem(f"unknown target node {target!r}"))
    for target in filter(None, [node.goto, node.suggest]):
        if target not in dialogs:
            problems.append(problem(f"unknown target dialog {target!r}"))
    if node.text is not None:
        problems += _check_text(file, node.id, node.text, languages)
    if node.ask is not None and node.ask.summary is not None:
        problems += _check_text(file, f"{node.id}.ask.summary", node.ask.summary, languages)
    for i, ack in enumerate(node.ask.ack if node.ask else ()):
        problems += _check_text(file, f"{node.id}.ask.ack[{i}]", ack, languages)
    for i, button in enumerate(node.buttons):
        problems += _check_text(file, f"{node.id}.buttons[{i}]", button.label, languages)
    payloads: list[Payload] = [
        callbacks.Nav(dialog.id, node.id, i) for i in range(len(node.buttons))
    ]
    if node.ask is not None:
        payloads.append(callbacks.Share(dialog.id, node.id, True))
    for payload in payloads:
        try:
            payload.pack()
        except ValueError as error:
            problems.append(problem(f"button data {error}"))
    return problems


def _check_text(file: str, where: str, text: Text, languages: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    for lang in languages:
        value = text.get(lang)
        if not value or not value.strip():
            problems.append(Problem(file, where, f"missing translation {lang!r}"))
        elif len(value) > MAX_MESSAGE_CHARS:
            problems.append(
                Problem(file, where, f"{lang} text is {len(value)} chars, over {MAX_MESSAGE_CHARS}")
            )
    for lang in text.keys() - set(languages):
        problems.append(Problem(file, where, f"unknown language {lang!r}"))
    return problems


def _successors(node: Node) -> list[str]:
    return [b.next for b in node.buttons] + ([node.next] if node.next else [])


def _reachable(dialog: Dialog, start: str) -> set[str]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in _successors(dialog.nodes[queue.popleft()]):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _can_finish(dialog: Dialog, node_id: str) -> bool:
    """Some path from here reaches an end or leaves for another dialog, and
    the automatic `next` chain never loops without waiting for the person."""
    reach = _reachable(dialog, node_id)
    if not any(dialog.nodes[n].end or dialog.nodes[n].goto for n in reach):
        return False
    seen: set[str] = set()
    current: str | None = node_id
    while current is not None:
        node = dialog.nodes[current]
        if node.buttons or node.ask or node.end or node.goto:
            return True
        if current in seen:
            return False
        seen.add(current)
        current = node.next
    return True
