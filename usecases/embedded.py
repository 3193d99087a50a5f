"""The running embedded stack: its processes and addresses (HOME/stack.json), its web app (HOME/web.json)."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from usecases.settings import Settings

STACK_FILE = "stack.json"
READY_FILE = "worker.ready"
ADDRESS_FILE = "web.json"
# Where the web app serves the Temporal UI, read-only; the UI itself must be started under the same path.
UI_PATH = "/temporal"


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """The state letter and start time (clock ticks since boot) of `pid`, where /proc exists."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces, so split after its closing parenthesis.
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[19])


def _all_threads_exited(pid: int) -> bool:
    """Whether every thread of `pid` has exited; a zombie leader may still have live threads."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return True
    for task in tasks:
        with contextlib.suppress(OSError, IndexError):
            if (task / "stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                return False
    return True


def start_ticks(pid: int) -> int | None:
    """When `pid` started, to tell it apart from a later process that reuses the number."""
    stat = _proc_stat(pid)
    return None if stat is None else stat[1]


def is_running(pid: int, ticks: int | None) -> bool:
    """Whether process `pid`, started at `ticks`, still runs (reaping it if it is our child)."""
    if pid <= 1:
        return False
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    stat = _proc_stat(pid)
    if stat is None:
        return True
    state, started = stat
    if state in ("Z", "X") and _all_threads_exited(pid):
        return False
    return ticks is None or started == ticks


class ChildProcess(BaseModel):
    """One process the stack started, in a process group of its own."""

    model_config = ConfigDict(frozen=True)

    name: str
    pid: int = Field(gt=1)
    start_ticks: int | None = Field(
        default=None, description="Start time from /proc, so a reused pid is not mistaken for ours"
    )
    argv: tuple[str, ...]
    log: Path

    def running(self) -> bool:
        return is_running(self.pid, self.start_ticks)


class StackInfo(BaseModel):
    """What `palermo up` started under one home, and the addresses to reach it."""

    model_config = ConfigDict(frozen=True)

    home: Path
    temporal_address: str
    temporal_namespace: str
    temporal_port: int
    ui_port: int
    ui_url: str = Field(description="The UI on its private loopback port; people use the web app's")
    logs: Path
    started_at: datetime
    processes: tuple[ChildProcess, ...] = ()
    stopping: bool = Field(default=False, description="`palermo down` is stopping this stack")

    def running(self) -> bool:
        """Whether every recorded process still runs."""
        return bool(self.processes) and all(child.running() for child in self.processes)


def stack_path(home: Path) -> Path:
    return home / STACK_FILE


def load_stack(home: Path) -> StackInfo | None:
    """The stack file under `home` as written, alive or not; None when absent or unreadable."""
    try:
        return StackInfo.model_validate_json(stack_path(home).read_bytes())
    except (OSError, ValidationError):
        return None


def write_stack(info: StackInfo) -> None:
    """Replace the stack file in one step, so a reader never sees half of it."""
    target = stack_path(info.home)
    partial = target.with_name(f".{STACK_FILE}.{os.getpid()}")
    partial.write_text(info.model_dump_json(indent=2) + "\n")
    partial.replace(target)


def remove_stack(home: Path) -> None:
    """Forget the stack under `home`: its stack file and the worker's readiness mark."""
    for name in (STACK_FILE, READY_FILE):
        with contextlib.suppress(FileNotFoundError):
            (home / name).unlink()


def read_stack(home: Path) -> StackInfo | None:
    """The stack running under `home`, or None when there is no stack file or its processes died."""
    info = load_stack(home)
    return info if info is not None and info.running() else None


def temporal_address_for(settings: Settings) -> str:
    """The address of the running embedded Temporal, else the configured one."""
    info = read_stack(settings.home_dir)
    return settings.temporal_address if info is None else info.temporal_address


class WebAddress(BaseModel):
    """What a running web server writes to HOME/web.json once it listens."""

    model_config = ConfigDict(frozen=True)

    url: str
    pid: int


def write_address(home: Path, url: str) -> None:
    target = home / ADDRESS_FILE
    partial = target.with_name(f".{ADDRESS_FILE}.{os.getpid()}")
    partial.write_text(WebAddress(url=url, pid=os.getpid()).model_dump_json())
    partial.replace(target)


def remove_address(home: Path) -> None:
    target = home / ADDRESS_FILE
    with contextlib.suppress(OSError, ValidationError):
        if WebAddress.model_validate_json(target.read_bytes()).pid == os.getpid():
            target.unlink()


def running_address(home: Path) -> WebAddress | None:
    """The address of the web server running for `home`, if one runs."""
    try:
        found = WebAddress.model_validate_json((home / ADDRESS_FILE).read_bytes())
    except (OSError, ValidationError):
        return None
    return found if is_running(found.pid, None) else None
