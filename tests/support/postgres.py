"""A throwaway PostgreSQL server for tests and benchmarks.

PostgreSQL refuses to run as root, so as root the server runs as the
`postgres` system user (runuser); otherwise as the current user.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} not found; `make test` installs PostgreSQL")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    port: int
    user: str = "postgres"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{self.user}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        subprocess.run(
            [
                _bin("psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                sql,
            ],
            check=True,
            capture_output=True,
        )

    def create_database(self, template: str | None = None) -> str:
        """A new database, a copy of `template` when given. FILE_COPY copies the template's
        files as they are; PostgreSQL 15's default writes every block through the WAL,
        twice as slow for these small databases (no crash safety is needed here)."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        suffix = f" TEMPLATE {template}" if template else ""
        if template and self.version >= 15:
            suffix += " STRATEGY FILE_COPY"
        self.psql(f"CREATE DATABASE {name}{suffix}")
        return name

    def drop_database(self, name: str) -> None:
        """Each database is a few megabytes of files: dropped after its test, so a long run
        does not leave a data directory of hundreds of them to delete at the end."""
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    @cached_property
    def version(self) -> int:
        """The server's major version (15 for 15.8)."""
        done = subprocess.run(
            [_bin("postgres"), "--version"], check=True, capture_output=True, text=True
        )
        return int(re.search(r"(\d+)(\.\d+)?", done.stdout).group(1))  # type: ignore[union-attr]


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = Path(tempfile.mkdtemp(prefix="attune-pg-"))
    data = workdir / "data"
    if as_root:
        shutil.chown(workdir, "postgres", "postgres")
    user = "postgres"
    port = _free_port()
    subprocess.run(
        [*prefix, _bin("initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    )
    subprocess.run(
        [
            *prefix,
            _bin("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(workdir / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield PostgresServer(port, user)
    finally:
        subprocess.run(
            [*prefix, _bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)
