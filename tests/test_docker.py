"""The image as Docker would build it: what goes in, what is kept, how it is run.

There is no Docker engine in the test environment, so the build context is
computed from `.dockerignore` with Docker's own matching rules, and the
Dockerfile and compose files are read as data.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT, Settings
from tests.support.docker_context import Dockerfile, context_files, excluded, read_rules, walk

DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
DOCKERFILE = Dockerfile.read(PROJECT_ROOT / "Dockerfile")

PRIVATE_LEFTOVERS = [
    ".venv/bin/python",
    ".venv/lib/python3.11/site-packages/telegram/__init__.py",
    "venv/pyvenv.cfg",
    "data/attune.db",
    "data/attune.db-wal",
    "data/attune.db-shm",
    "data/nudges/old.sqlite3",
    "backup/attune.db",
    ".env",
    "bot/.env.local",
    "local/attune.log",
    "local/alex-attune-data.json",
    "bot/__pycache__/coach.cpython-311.pyc",
]
"""Files a developer's checkout may hold that must never reach an image."""


def build_context() -> list[str]:
    return context_files([*walk(PROJECT_ROOT), *PRIVATE_LEFTOVERS], DOCKERIGNORE)


def test_the_build_context_holds_no_database_no_virtualenv_and_no_env_file() -> None:
    files = build_context()
    assert files, "the context must hold something"
    for path in files:
        name = posixpath.basename(path)
        assert not path.startswith((".venv/", "venv/")), path
        assert ".db" not in name and ".sqlite" not in name, path
        assert not name.startswith(".env"), path
        assert "__pycache__" not in path, path
        assert not path.startswith("local/"), path


def test_the_build_context_holds_what_the_image_copies() -> None:
    files = set(build_context())
    for sources, _ in DOCKERFILE.copies():
        for source in sources:
            assert source in files or any(f.startswith(source.rstrip("/") + "/") for f in files), (
                f"COPY {source} is not in the build context"
            )
    for shipped in ("data/crisis_resources.yaml", "data/safety/en.yaml", "dialogs/index.yaml"):
        assert shipped in files


def test_the_ignore_rules_follow_dockers_matching(tmp_path: Path) -> None:
    rules_file = tmp_path / ".dockerignore"
    rules_file.write_text("*\n!src/\n**/*.db\n!src/keep.db\n/docs\n")
    rules = read_rules(rules_file)
    assert excluded("notes.txt", rules) and excluded("docs/a.md", rules)
    assert not excluded("src/a/b.py", rules)
    assert excluded("src/a/x.db", rules) and not excluded("src/keep.db", rules)


def shipped_files() -> list[str]:
    """Where each file of the build context lands in the image, by the COPY lines."""
    files, landed = build_context(), []
    for sources, destination in DOCKERFILE.copies():
        for source in sources:
            source = source.rstrip("/")
            if source in files:  # a single file, copied into a folder
                landed.append(posixpath.join(destination, posixpath.basename(source)))
            for path in files:
                if path.startswith(source + "/"):
                    landed.append(posixpath.join(destination, path.removeprefix(source + "/")))
    return landed


def inside(path: str, folder: str) -> bool:
    return posixpath.commonpath([path, folder]) == folder


def test_the_volume_holds_the_database_and_no_shipped_file() -> None:
    volumes = DOCKERFILE.volumes()
    assert volumes, "the database needs a volume"
    shipped = shipped_files()
    assert "/app/data/crisis_resources.yaml" in shipped
    for volume in volumes:
        hidden = [path for path in shipped if inside(path, volume)]
        assert not hidden, f"a kept {volume} volume would hide updates of {hidden[:3]}"
    database = DOCKERFILE.env()["DATABASE_URL"].split(":///", 1)[1]
    assert any(inside(database, volume) for volume in volumes), database


def test_the_image_checks_its_own_health_and_keeps_a_heartbeat() -> None:
    assert DOCKERFILE.args("HEALTHCHECK"), "no HEALTHCHECK"
    health = " ".join(DOCKERFILE.args("HEALTHCHECK")[0])
    assert "python -m bot health" in health.replace('"', "").replace(",", "")
    assert DOCKERFILE.env().get("HEALTH_FILE")


def settings_names() -> list[str]:
    return [name.upper() for name in Settings.model_fields]


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_is_documented(document: str) -> None:
    text = (PROJECT_ROOT / document).read_text(encoding="utf-8")
    missing = [name for name in settings_names() if name not in text]
    assert not missing, f"{document} does not mention {missing}"


def test_compose_passes_every_setting_from_env_and_publishes_the_webhook_port() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    bot = compose["services"]["bot"]
    assert {"path": ".env", "required": False} in bot["env_file"]
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    webhook = yaml.safe_load((PROJECT_ROOT / "compose.webhook.yaml").read_text())
    ports = webhook["services"]["bot"]["ports"]
    assert any("WEBHOOK_PORT" in port for port in ports)
    example = (PROJECT_ROOT / ".env.example").read_text()
    assert "COMPOSE_FILE=compose.yaml:compose.webhook.yaml" in example
