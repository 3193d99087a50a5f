"""The web server a benchmark drives: `python -m deploy.web` on a free loopback port over the benchmark's
store, with N worker processes, stopped with every process it started whatever happens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import httpx

from usecases.embedded import running_address
from usecases.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
READY_WITHIN_S = 120.0
STOP_WITHIN_S = 20.0


def server_env(settings: Settings, workers: int, secret: str) -> dict[str, str]:
    """This environment without its PALERMO_* variables, plus the benchmark's store and web settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PALERMO_")}
    env |= {
        "PALERMO_HOME": str(settings.home_dir),
        "PALERMO_STORE": settings.store,
        "PALERMO_WEB_HOST": "127.0.0.1",
        "PALERMO_WEB_SECRET": secret,
        "PALERMO_WEB_WORKERS": str(workers),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p),
    }
    if settings.database_url is not None:
        env["PALERMO_DATABASE_URL"] = settings.database_url
    return env


@contextmanager
def web_server(settings: Settings, workers: int, secret: str) -> Iterator[str]:
    """The address of a web server over `settings`' store, answering once every worker can take requests."""
    (settings.home_dir / "web.json").unlink(missing_ok=True)
    # Appending: the server's writes go to the end wherever this process has read up to.
    with tempfile.TemporaryFile("a+b") as log:
        # A session of its own, so that the supervisor, its workers and multiprocessing's helper are one
        # process group, stopped together.
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.web", "--port", "0"],
            cwd=ROOT,
            env=server_env(settings, workers, secret),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield _ready(process, settings, workers, log)
        finally:
            _stop(process)


def _ready(process: subprocess.Popen[bytes], settings: Settings, workers: int, log: IO[bytes]) -> str:
    deadline = time.monotonic() + READY_WITHIN_S
    while (found := running_address(settings.home_dir)) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The web server did not start:\n{_tail(log)}")
        time.sleep(0.1)
    # The supervisor announces the address before its workers have imported the app: wait for each.
    with httpx.Client(base_url=found.url, timeout=READY_WITHIN_S) as client:
        while client.get("/login").status_code != 200 or _started(log) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The web server's workers did not start:\n{_tail(log)}")
            time.sleep(0.2)
    return found.url


def _started(log: IO[bytes]) -> int:
    """How many worker processes uvicorn has said it started."""
    log.seek(0)
    return log.read().count(b"Started server process")


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-3000:]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (the supervisor stops its workers), then SIGKILL if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_WITHIN_S)
    # Whatever is left of the group: a worker orphaned by a supervisor that died first, say.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
