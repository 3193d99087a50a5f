"""Deployed processes on loopback: `python -m deploy.worker` and `python -m deploy.web`, and a Temporal dev
server on a file, each started, awaited, killed and stopped the way an operator's tools would."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from tests.servers import free_port, temporal_dev_server_path
from usecases.embedded import running_address
from usecases.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN_S = 30.0
STOP_WITHIN_S = 10.0


def process_env(settings: Settings, home: Path) -> dict[str, str]:
    """The environment a deployed process gets: PALERMO_* variables only, as compose and Helm set them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "TEMPORAL_"))}
    assert settings.database_url is not None
    env |= {
        "PALERMO_HOME": str(home),
        "PALERMO_STORE": settings.store,
        "PALERMO_DATABASE_URL": settings.database_url,
        "PALERMO_TEMPORAL_ADDRESS": settings.temporal_address,
        "PALERMO_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "PALERMO_TASK_QUEUE": settings.task_queue,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
    }
    # One audit key for every process of the deployment, as a secret would give it to each.
    if settings.audit_key is not None:
        env["PALERMO_AUDIT_KEY"] = settings.audit_key.get_secret_value()
    return env


@dataclass
class Processes:
    """Processes of one `python -m <module>`, by name, each with its own home and a log per start."""

    settings: Settings
    base: Path
    module: str = ""
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[IO[bytes]] = field(default_factory=list)
    starts: int = 0

    def home(self, name: str) -> Path:
        return self.base / name

    def env(self, name: str) -> dict[str, str]:
        return process_env(self.settings, self.home(name))

    def is_ready(self, name: str) -> bool:
        raise NotImplementedError

    def forget_readiness(self, name: str) -> None:
        """Remove what the last run left to say it was ready."""

    def start(self, name: str, *, wait: bool = True) -> subprocess.Popen[bytes]:
        self.home(name).mkdir(parents=True, exist_ok=True)
        self.forget_readiness(name)
        self.starts += 1
        log = (self.base / f"{name}-{self.starts}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", self.module],
            cwd=ROOT,
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running[name] = process
        if wait:
            self.wait_ready(name)
        return process

    def wait_ready(self, name: str) -> None:
        deadline = time.monotonic() + READY_WITHIN_S
        while not self.is_ready(name):
            code = self.running[name].poll()
            assert code is None, f"{name} exited with {code}:\n{self.log_tail()}"
            assert time.monotonic() < deadline, f"{name} not ready in {READY_WITHIN_S} s:\n{self.log_tail()}"
            time.sleep(0.05)

    def kill(self, name: str) -> None:
        """kill -9: no shutdown, no goodbye to Temporal, work cut off wherever it was."""
        process = self.running[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=STOP_WITHIN_S)
        assert process.returncode == -signal.SIGKILL

    def alive(self) -> list[str]:
        return [name for name, process in self.running.items() if process.poll() is None]

    def log_of(self, name: str) -> str:
        """Everything the process logged, over all its starts."""
        return "".join(p.read_text(errors="replace") for p in sorted(self.base.glob(f"{name}-[0-9]*.log")))

    def log_tail(self, lines: int = 40) -> str:
        tails = []
        for path in sorted(self.base.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            tails.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(tails)

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=STOP_WITHIN_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


@dataclass
class Workers(Processes):
    """`python -m deploy.worker` processes; each touches HOME/worker.ready once it polls its task queue."""

    module: str = "deploy.worker"

    def ready_file(self, name: str) -> Path:
        return self.home(name) / "worker.ready"

    def is_ready(self, name: str) -> bool:
        return self.ready_file(name).exists()

    def forget_readiness(self, name: str) -> None:
        self.ready_file(name).unlink(missing_ok=True)


@dataclass
class WebServers(Processes):
    """`python -m deploy.web` processes, each on a port of its own; ready once HOME/web.json names it."""

    module: str = "deploy.web"
    secret: str = "test-session-secret"

    def env(self, name: str) -> dict[str, str]:
        return super().env(name) | {
            "PALERMO_WEB_HOST": "127.0.0.1",
            "PALERMO_WEB_PORT": str(free_port()),
            "PALERMO_WEB_SECRET": self.secret,
            # Generated requests send hundreds of bad tokens from this one address: nothing may wait.
            "PALERMO_WEB_SIGN_IN_FAILURES_PER_CLIENT": "1000000",
            "PALERMO_WEB_SIGN_IN_FAILURES_PER_USER": "1000000",
        }

    def is_ready(self, name: str) -> bool:
        return running_address(self.home(name)) is not None

    def forget_readiness(self, name: str) -> None:
        (self.home(name) / "web.json").unlink(missing_ok=True)

    def url(self, name: str) -> str:
        found = running_address(self.home(name))
        assert found is not None, f"{name} is not serving:\n{self.log_tail()}"
        return found.url


@dataclass
class DevServer:
    """`temporal server start-dev` on a SQLite file, so that a restart finds every workflow again."""

    database: Path
    log: Path
    port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = [temporal_dev_server_path(), "server", "start-dev", "--db-filename", str(self.database)]
        argv += ["--ip", "127.0.0.1", "--port", str(self.port), "--http-port", str(self.http_port)]
        argv += ["--headless", "--log-level", "error"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)

    async def ready(self) -> Client:
        deadline = time.monotonic() + READY_WITHIN_S
        while True:
            assert self.process is not None
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            try:
                return await Client.connect(self.address, data_converter=pydantic_data_converter)
            except RuntimeError:
                assert time.monotonic() < deadline, "the Temporal dev server did not answer in 30 s"
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
