"""The embedded stack for workflow benchmarks: `palermo up --detach` under a temporary home, then down."""

from __future__ import annotations

import ctypes
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from deploy import stack
from deploy.launch import child_env
from usecases.embedded import READY_FILE
from usecases.settings import Settings

WORKER = [sys.executable, "-m", "bench.worker"]
PROJECTOR = [sys.executable, "-m", "deploy.projector"]
READY_TIMEOUT_S = 90.0


_LIBC = ctypes.CDLL(None)


def cpu_seconds(pid: int) -> float:
    """CPU time of a process so far, all its threads, living and ended, to the nanosecond.

    `/proc/PID/stat` counts in the scheduler's ticks (10 ms), too coarse for a short run; the process's
    POSIX CPU clock is exact.
    """
    clock = ctypes.c_int()
    failed = _LIBC.clock_getcpuclockid(pid, ctypes.byref(clock))
    if failed:
        raise OSError(failed, f"Cannot read the CPU clock of process {pid}: {os.strerror(failed)}.")
    return time.clock_gettime(clock.value)


def resident_mb(pid: int, key: str = "VmRSS") -> float:
    """A memory figure of /proc/PID/status in MB: VmRSS now, or VmHWM, the peak resident set."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


@dataclass
class Embedded:
    """A running stack: its settings (pointing at its Temporal) and the pids of its processes."""

    settings: Settings
    pids: dict[str, int]
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far per kind of process (the workers summed)."""
        totals: dict[str, float] = {}
        for name, pid in self.pids.items():
            kind = "worker" if name.startswith("worker") else name
            totals[kind] = totals.get(kind, 0.0) + cpu_seconds(pid)
        return totals

    def add_worker(self) -> None:
        """Start one more worker process on the same task queue and store, and wait until it polls."""
        ready = self.settings.home_dir / READY_FILE
        ready.unlink(missing_ok=True)
        name = f"worker-{len(self.extra) + 2}"
        log = (self.settings.home_dir / "logs" / f"{name}.log").open("ab")
        env = child_env(self.settings, self.settings.temporal_address)
        self.extra.append(subprocess.Popen(WORKER, env=env, stdout=log, stderr=subprocess.STDOUT))
        self.pids[name] = self.extra[-1].pid
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.exists():
            if self.extra[-1].poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The second worker did not start; see {log.name}.")
            time.sleep(0.1)

    def stop_extra(self) -> None:
        for process in self.extra:
            process.terminate()
        for process in self.extra:
            process.wait(timeout=30)


@contextmanager
def embedded(settings: Settings, *, projector: bool) -> Iterator[Embedded]:
    """The stack under `settings.home`, with the benchmark worker (and the projector); stopped after."""
    # The children read the store from the environment, as `palermo up` passes it on.
    os.environ["PALERMO_STORE"] = settings.store
    if settings.database_url is not None:
        os.environ["PALERMO_DATABASE_URL"] = settings.database_url
    out = io.StringIO()
    console = Console(file=out, width=200)
    extra = [("projector", PROJECTOR)] if projector else []
    code = stack.up(settings, detach=True, console=console, worker_argv=WORKER, extra_processes=extra)
    info = stack.read_stack(settings.home_dir)
    if code != 0 or info is None:
        raise SystemExit(f"The embedded stack did not start:\n{out.getvalue()}")
    running = Embedded(
        settings=settings.model_copy(update={"temporal_address": info.temporal_address}),
        pids={child.name: child.pid for child in info.processes},
    )
    try:
        yield running
    finally:
        running.stop_extra()
        stack.down(settings, console)
