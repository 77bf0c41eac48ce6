"""What `docker build` would see, computed without Docker.

`context_files` applies `.dockerignore` the way Docker's pattern matcher
does (patterns are cleaned, a leading `/` is dropped, `**` spans folders,
`!` re-includes, the last matching line wins, and a pattern that matches a
folder matches everything in it). `Dockerfile` reads the few instructions the
tests look at.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern[str]
    include: bool


def read_rules(dockerignore: Path) -> list[Rule]:
    rules = []
    for raw in dockerignore.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        pattern = posixpath.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append(Rule(re.compile(_regex(pattern)), include))
    return rules


def _regex(pattern: str) -> str:
    """Go's filepath.Match, plus `**` for any number of folders."""
    out, i = ["^"], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                out.append("(?:.*/)?")  # "**/" may also stand for no folder at all
                i += 1
            else:
                out.append(".*")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("^") else body) + "]")
            i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out) + "$"


def excluded(path: str, rules: list[Rule]) -> bool:
    """Whether `path` (relative, with /) stays out of the build context."""
    parents = [path]
    while "/" in parents[-1]:
        parents.append(parents[-1].rsplit("/", 1)[0])
    result = False
    for rule in rules:
        if any(rule.regex.match(p) for p in parents):
            result = not rule.include
    return result


def walk(root: Path) -> list[str]:
    """Every file under `root` (tracked or not, the virtualenv too), minus .git."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            found.append(Path(folder, name).relative_to(root).as_posix())
    return found


def context_files(paths: Iterable[str], dockerignore: Path) -> list[str]:
    rules = read_rules(dockerignore)
    return sorted(p for p in paths if not excluded(p, rules))


@dataclass
class Dockerfile:
    """The instructions of a Dockerfile, continuation lines joined."""

    instructions: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
        found = []
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                word, _, rest = line.partition(" ")
                found.append((word.upper(), rest.strip()))
        return cls(found)

    def args(self, instruction: str) -> list[list[str]]:
        """The arguments of each `instruction`, JSON form or plain words."""
        return [
            json.loads(rest) if rest.startswith("[") else shlex.split(rest)
            for word, rest in self.instructions
            if word == instruction
        ]

    def volumes(self) -> list[str]:
        return [path for args in self.args("VOLUME") for path in args]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for args in self.args("ENV"):
            for pair in args:
                key, _, value = pair.partition("=")
                values[key] = value
        return values

    def copies(self) -> list[tuple[list[str], str]]:
        """(sources, absolute destination) of each COPY, WORKDIR applied."""
        workdir, found = "/", []
        for word, rest in self.instructions:
            if word == "WORKDIR":
                workdir = posixpath.join(workdir, rest)
            elif word == "COPY":
                *sources, dest = [a for a in shlex.split(rest) if not a.startswith("--")]
                found.append((sources, posixpath.normpath(posixpath.join(workdir, dest))))
        return found
