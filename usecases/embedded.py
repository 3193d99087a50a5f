"""The stack file, HOME/stack.json: the embedded stack's processes and where to reach them."""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from deploy.processes import is_running
from deploy.settings import Settings

STACK_FILE = "stack.json"
READY_FILE = "worker.ready"


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
    ui_url: str
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
