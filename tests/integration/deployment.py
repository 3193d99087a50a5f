"""A production-shaped deployment on loopback: worker processes, a Temporal namespace, a PostgreSQL store."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

import psycopg
import pycountry
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.engagements import Engagements, HistoryEntry
from deploy.cases import ServerUnavailable, send
from deploy.settings import Settings
from deploy.worker import connect
from domain.commands import Command
from domain.views import CaseView
from tests.servers import free_port, temporal_dev_server_path
from tests.workflows.case_commands import CaseCommands

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN_S = 30.0
# What one whole case leaves in the event store, in order.
WHOLE_CASE = [
    "RequestReceived",
    "LawSummaryReceived",
    "FocalPointNamed",
    "GapListDrawnUp",
    "AssistanceConcluded",
    "LegislationConcluded",
    "TrainingHeld",
]

T = TypeVar("T")


def states(count: int) -> list[str]:
    """`count` distinct ISO alpha-3 codes, in random order."""
    return random.sample(sorted(c.alpha_3 for c in pycountry.countries), k=count)


def whole_case(state: str) -> list[Command]:
    cases = CaseCommands(state)
    return [cases.open(), *cases.after_request()]


async def fresh_namespace(client: Client) -> str:
    """A Temporal namespace of the test's own: no other test's workflow shares an id with it."""
    name = f"palermo-{uuid.uuid4().hex[:12]}"
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace=name, workflow_execution_retention_period=Duration(seconds=86_400))
    )
    return name


def deployment_settings(home: Path, database_url: str, temporal_address: str, namespace: str) -> Settings:
    return Settings(
        home=home,
        store="postgres",
        database_url=database_url,
        temporal_address=temporal_address,
        temporal_namespace=namespace,
        task_queue=f"engagements-{uuid.uuid4().hex[:8]}",
    )


def process_env(settings: Settings, home: Path) -> dict[str, str]:
    """The environment a deployed process gets: PALERMO_* variables only, as compose and Helm set them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PALERMO_", "TEMPORAL_"))}
    assert settings.database_url is not None
    return env | {
        "PALERMO_HOME": str(home),
        "PALERMO_STORE": settings.store,
        "PALERMO_DATABASE_URL": settings.database_url,
        "PALERMO_TEMPORAL_ADDRESS": settings.temporal_address,
        "PALERMO_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "PALERMO_TASK_QUEUE": settings.task_queue,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),
    }


@dataclass
class Workers:
    """`python -m deploy.worker` processes, each with its own home (for its ready file) and log."""

    settings: Settings
    base: Path
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[IO[bytes]] = field(default_factory=list)
    starts: int = 0

    def start(self, name: str, *, wait: bool = True) -> subprocess.Popen[bytes]:
        home = self.base / name
        home.mkdir(parents=True, exist_ok=True)
        (home / "worker.ready").unlink(missing_ok=True)
        self.starts += 1
        log = (self.base / f"{name}-{self.starts}.log").open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.worker"],
            cwd=ROOT,
            env=process_env(self.settings, home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running[name] = process
        if wait:
            self.wait_ready(name)
        return process

    def wait_ready(self, name: str) -> None:
        ready = self.base / name / "worker.ready"
        deadline = time.monotonic() + READY_WITHIN_S
        while not ready.exists():
            code = self.running[name].poll()
            assert code is None, f"worker {name} exited with {code}:\n{self.log_tail()}"
            assert time.monotonic() < deadline, f"worker {name} not ready in {READY_WITHIN_S} s"
            time.sleep(0.05)

    def kill(self, name: str) -> None:
        """kill -9: no shutdown, no goodbye to Temporal, activities cut off wherever they were."""
        process = self.running[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL

    def alive(self) -> list[str]:
        return [name for name, process in self.running.items() if process.poll() is None]

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
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()


async def client_for(settings: Settings) -> Client:
    return await connect(settings)


async def send_until_answered(
    client: Client, settings: Settings, command: Command, *, within: float = 120.0
) -> tuple[CaseView, int]:
    """Send like a patient client: a ServerUnavailable is retried; returns the case and the retries."""
    deadline = time.monotonic() + within
    retries = 0
    while True:
        try:
            return await send(client, settings, command), retries
        except ServerUnavailable:
            retries += 1
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.25)


async def all_of(tasks: Sequence[Awaitable[T]]) -> list[T]:
    """Await every task; the first failure is raised after all have ended (none left running)."""
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]
    return [r for r in results if not isinstance(r, BaseException)]


def recorded(settings: Settings, codes: Sequence[str]) -> dict[str, list[HistoryEntry]]:
    """Each State's stored events, read afresh from the event store (the record of truth)."""
    engagements = Engagements(settings.store_env("Engagements") | {"CREATE_TABLE": "n"})
    try:
        return {state: engagements.history(state) for state in codes}
    finally:
        engagements.close()


def stored_event_count(database_url: str) -> int:
    """Every engagement event in the database, counted by SQL beside the application."""
    with psycopg.connect(database_url, autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM engagements_events").fetchone()
    assert row is not None
    return int(row[0])


def assert_exactly_once(history: list[HistoryEntry], types: list[str]) -> None:
    """The case's events are `types`, in order, versions 1..n, each from a distinct command."""
    assert [entry.type for entry in history] == types
    assert [entry.version for entry in history] == list(range(1, len(types) + 1))
    ids = [entry.command_id for entry in history]
    assert None not in ids, ids
    assert len(set(ids)) == len(ids), ids


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
        deadline = time.monotonic() + 30
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
