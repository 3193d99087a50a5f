"""`python -m deploy.web` with PALERMO_WEB_WORKERS=2: two worker processes answer on the one port, and a
browser signed in by one is served by the other (sessions and form tokens are signed cookies)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest

from activities.tokens import TokenCost
from activities.users import Users
from domain.user import Role, Scope
from tests.integration.processes import READY_WITHIN_S, ROOT, STOP_WITHIN_S
from tests.servers import free_port
from usecases.embedded import running_address
from usecases.settings import Settings

CSRF = re.compile(r'<meta name="csrf" content="([^"]+)">')
CHEAP = TokenCost(n=2**10, r=8, p=1)


@dataclass(frozen=True)
class Served:
    """A running server: its supervisor process, its address, its log and a manager's token."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    token: str


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A two-worker web server on a SQLite home holding one manager, stopped at the test's end."""
    home = tmp_path / "home"
    settings = Settings(home=home, store="sqlite")
    token = Users(settings.store_env("Users"), cost=CHEAP).add(
        f"manager-{uuid.uuid4().hex[:8]}", Role.MANAGER, Scope(), actor="test"
    )[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "TEMPORAL_"))}
    env |= {
        "PALERMO_HOME": str(home),
        "PALERMO_STORE": "sqlite",
        "PALERMO_WEB_WORKERS": "2",
        "PALERMO_WEB_PORT": str(free_port()),
        "PALERMO_WEB_SECRET": "test-session-secret",
        "PYTHONPATH": str(ROOT),
    }
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.web"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        while (found := running_address(home)) is None:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield Served(process, found.url, log, token)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def workers_of(served: Served) -> set[int]:
    """The supervisor's worker processes (its children but multiprocessing's resource tracker), once
    there are two."""
    deadline = time.monotonic() + READY_WITHIN_S
    while True:
        found = set()
        for entry in Path("/proc").iterdir():
            try:
                stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
                command = (entry / "cmdline").read_bytes() if stat else b""
            except OSError:
                continue
            # The command name, in parentheses, may hold spaces: the parent's pid is the 2nd field after it.
            if (
                stat
                and int(stat.rpartition(")")[2].split()[1]) == served.process.pid
                and b"spawn_main" in command
            ):
                found.add(int(entry.name))
        if len(found) >= 2:
            return found
        assert served.process.poll() is None, served.log.read_text()
        assert time.monotonic() < deadline, served.log.read_text()
        time.sleep(0.1)


def holder(connection: HTTPConnection, candidates: set[int]) -> int | None:
    """Which of `candidates` holds the server's end of `connection`: the socket whose peer is our port."""
    assert connection.sock is not None
    ours = connection.sock.getsockname()[1]
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].rpartition(":")[2], 16) == ours:
            inodes.add(f"socket:[{fields[9]}]")
    for pid in candidates:
        try:
            if any(os.readlink(fd) in inodes for fd in Path(f"/proc/{pid}/fd").iterdir()):
                return pid
        except OSError:
            continue
    return None


def one_per_worker(url: str, workers: set[int]) -> list[HTTPConnection]:
    """Kept-alive connections, one served by each worker: the kernel hands each new one to either."""
    host, _, port = url.removeprefix("http://").partition(":")
    found: dict[int, HTTPConnection] = {}
    deadline = time.monotonic() + READY_WITHIN_S
    while set(found) != workers:
        assert time.monotonic() < deadline, f"only {sorted(found)} of {sorted(workers)} took a connection"
        connection = HTTPConnection(host, int(port), timeout=30)
        assert ask(connection, "GET", "/login", "")[0] == 200
        pid = holder(connection, workers)
        if pid is None or pid in found:
            connection.close()
        else:
            found[pid] = connection
    return list(found.values())


def ask(
    connection: HTTPConnection, method: str, path: str, cookie: str, form: str = ""
) -> tuple[int, str, str]:
    """The status, the body, and the session cookie `cookie` becomes after the answer."""
    headers = {"Cookie": cookie} if cookie else {}
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=form or None, headers=headers)
    answer = connection.getresponse()
    body = answer.read().decode()
    set_cookie = answer.getheader("set-cookie")
    return answer.status, body, set_cookie.partition(";")[0] if set_cookie else cookie


def form_token(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None, page[:500]
    return found.group(1)


def test_two_workers_share_the_port_and_each_honours_the_others_sign_in_and_form_tokens(
    served: Served,
) -> None:
    workers = workers_of(served)
    assert len(workers) == 2
    first, second = one_per_worker(served.url, workers)

    # The form token the first worker gave signs in on the second.
    status, page, cookie = ask(first, "GET", "/login", "")
    status, _, signed_in = ask(
        second, "POST", "/login", cookie, urlencode({"csrf": form_token(page), "token": served.token})
    )
    assert status == 303
    assert signed_in != cookie
    # The session the second worker started is the first's too, and so is its new form token.
    status, page, _ = ask(first, "GET", "/dashboard", signed_in)
    assert status == 200, page[:500]
    status, _, _ = ask(second, "POST", "/logout", signed_in, urlencode({"csrf": form_token(page)}))
    assert status == 303
    # Signed out on the second: the first no longer knows the session either.
    status, _, _ = ask(first, "GET", "/dashboard", signed_in)
    assert status == 303
    # Either worker's /metrics counts both workers' requests: the sign-in was the second's.
    status, scraped, _ = ask(first, "GET", "/metrics", "")
    signed = 'palermo_http_request_seconds_count{method="POST",route="/login",status="303"} 1.0'
    assert signed in scraped.splitlines(), scraped
    for connection in (first, second):
        connection.close()
