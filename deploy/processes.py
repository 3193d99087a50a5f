"""Child processes of the embedded stack: loopback ports, spawning into logs, liveness, stopping."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from usecases.embedded import is_running

LOOPBACK = "127.0.0.1"


def port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` on the loopback interface now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Servers set SO_REUSEADDR, so a port in TIME_WAIT after a stopped stack counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


# Where a port is found when the preferred one is taken: below the range the kernel draws outgoing
# connections' source ports from (32768-60999 on Linux), so that no connection takes it between the check and
# the server's bind. A port the kernel handed out for binding lay in that range, and was at times taken so.
SPARE_PORTS = range(20_000, 32_768)
SPARE_TRIES = 500


def pick_port(preferred: int | None = None, *, avoid: Sequence[int] = ()) -> int:
    """`preferred` when it is free and not in `avoid`, else a free port of SPARE_PORTS not in `avoid`."""
    if preferred is not None and preferred not in avoid and port_is_free(preferred):
        return preferred
    for port in random.sample(SPARE_PORTS, SPARE_TRIES):
        if port not in avoid and port_is_free(port):
            return port
    raise OSError(f"No free loopback port in {SPARE_TRIES} tries between 20000 and 32767.")


def port_answers(port: int) -> bool:
    """Whether something accepts TCP connections on `port` on the loopback interface."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


def spawn(argv: Sequence[str], log: Path, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start `argv` in a session of its own, appending its output to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        sink.write(f"--- {stamp} starting {' '.join(argv)}\n".encode())
        sink.flush()
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=dict(env),
            start_new_session=True,
        )


def _signal_group(pid: int, signum: signal.Signals) -> None:
    """Signal the process group that `pid` leads, or `pid` alone if it leads none."""
    with contextlib.suppress(ProcessLookupError):
        # A child started with start_new_session leads its own group; never signal ours.
        if os.getpgid(pid) == pid and pid != os.getpgrp():
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)


def stop_groups(children: Sequence[tuple[int, int | None]], grace: float) -> list[int]:
    """SIGTERM each (pid, ticks) group, SIGKILL what is left after `grace` s; the survivors."""
    running = [(pid, ticks) for pid, ticks in children if is_running(pid, ticks)]
    for pid, _ in running:
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while running and time.monotonic() < deadline:
        time.sleep(0.1)
        running = [(pid, ticks) for pid, ticks in running if is_running(pid, ticks)]
    for pid, _ in running:
        _signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while running and time.monotonic() < deadline:
        time.sleep(0.1)
        running = [(pid, ticks) for pid, ticks in running if is_running(pid, ticks)]
    return [pid for pid, _ in running]


def log_tail(log: Path, lines: int = 10) -> list[str]:
    """The last `lines` lines of `log`, or none when it cannot be read."""
    try:
        with log.open("rb") as source:
            # Long-running logs grow large; the tail lives in the last few kilobytes.
            source.seek(max(0, source.seek(0, os.SEEK_END) - 64 * 1024))
            text = source.read().decode(errors="replace")
    except OSError:
        return []
    return text.splitlines()[-lines:]
