"""The embedded stack behind `palermo up` and `palermo down`: Temporal, worker, extra processes."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.text import Text

from deploy.launch import (
    READY_TIMEOUT_S,
    Launch,
    StartupError,
    child_env,
    new_stack,
    stop_children,
    temporal_argv,
    temporal_ready,
)
from deploy.processes import log_tail
from usecases.embedded import (
    READY_FILE,
    StackInfo,
    load_stack,
    read_stack,
    remove_stack,
    temporal_address_for,
    write_stack,
)
from usecases.settings import Settings, keep_private

__all__ = ["StackInfo", "applications", "down", "read_stack", "temporal_address_for", "up"]


class StopRequestedError(Exception):
    """SIGTERM or SIGHUP asked the supervisor to stop."""


@contextmanager
def _termination_requests_stop() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into `StopRequestedError`, so the children are stopped too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def request_stop(signum: int, frame: FrameType | None) -> None:
        raise StopRequestedError(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def applications() -> list[tuple[str, list[str]]]:
    """The processes `palermo up` starts after the worker: the projector and the web server.

    The web server takes PALERMO_WEB_PORT (default 8000), or a free port, and writes HOME/web.json.
    """
    return [
        ("projector", [sys.executable, "-m", "deploy.projector"]),
        ("web", [sys.executable, "-m", "deploy.web"]),
    ]


def _print_addresses(console: Console, info: StackInfo) -> None:
    console.print(f"  Temporal address  {info.temporal_address}", highlight=False)
    console.print(f"  Logs              {info.logs}", highlight=False)


def _print_tail(console: Console, log: Path | None) -> None:
    lines = [] if log is None else log_tail(log)
    if log is None or not lines:
        return
    console.print(f"Last lines of {log}:", highlight=False)
    for line in lines:
        console.print(Text(f"  {line}", style="dim"), soft_wrap=True)


def _run_after_ready(after_ready: Callable[[str], None] | None, address: str, console: Console) -> bool:
    if after_ready is None:
        return True
    try:
        after_ready(address)
    except Exception as error:
        console.print(f"The step after start-up failed: {error}", highlight=False)
        return False
    return True


def _supervise(launch: Launch, console: Console) -> int:
    """Watch the children until one dies, `palermo down` stops them, or Ctrl-C / SIGTERM arrives."""
    console.print("Press Ctrl-C to stop.")
    try:
        while (dead := launch.first_dead()) is None:
            time.sleep(0.5)
    except (KeyboardInterrupt, StopRequestedError):
        with console.status("Stopping Palermo…"):
            launch.stop()
        console.print("Palermo stopped.")
        return 0
    child, code = dead
    current = load_stack(launch.info.home)
    if current is None or current.stopping:
        launch.stop()
        console.print("Palermo was stopped by `palermo down`.")
        return 0
    console.print(f"The {child.name} stopped unexpectedly (exit code {code}); stopping the rest.")
    _print_tail(console, child.log)
    launch.stop()
    return 1


def _start(
    launch: Launch,
    console: Console,
    *,
    env: Mapping[str, str],
    worker_argv: list[str],
    extra_processes: list[tuple[str, list[str]]],
    search_attributes: Mapping[str, str],
) -> None:
    """Start Temporal, then the worker, then the extras, each once the one before is ready."""
    info = launch.info
    with console.status("Starting Temporal…") as status:
        launch.start("temporal", temporal_argv(info, search_attributes), os.environ)
        temporal_log = info.logs / "temporal.log"
        launch.wait_for(partial(temporal_ready, info), "Temporal server", temporal_log)
        status.update("Starting the worker…")
        ready_file = info.home / READY_FILE
        ready_file.unlink(missing_ok=True)
        launch.start("worker", worker_argv, env)
        launch.wait_for(ready_file.exists, "worker", info.logs / "worker.log")
        for name, argv in extra_processes:
            status.update(f"Starting the {name}…")
            launch.start(name, argv, env)
        launch.check_alive()


def _clear_leftovers(home: Path, console: Console) -> bool:
    """Stop what remains of a stack that partly died; False if some of it would not stop."""
    stale = load_stack(home)
    if stale is None:
        return True
    leftovers = [child for child in stale.processes if child.running()]
    if leftovers:
        names = ", ".join(child.name for child in leftovers)
        console.print(f"Stopping what is left of an earlier stack: {names}.")
        if stop_children(leftovers):
            console.print("Some processes of the earlier stack would not stop; see `palermo down`.")
            return False
    remove_stack(home)
    return True


def up(
    settings: Settings,
    *,
    detach: bool,
    console: Console,
    worker_argv: list[str] | None = None,
    extra_processes: list[tuple[str, list[str]]] | None = None,
    after_ready: Callable[[str], None] | None = None,
    search_attributes: Mapping[str, str] | None = None,
    ready_timeout: float = READY_TIMEOUT_S,
) -> int:
    """Start the stack under the home folder, or find it running; supervise it unless `detach`.

    `after_ready` gets the Temporal address once all is ready, also when the stack was already
    running, so it must be idempotent. Call `up` from synchronous code: it runs its own event loops.
    """
    keep_private()
    home = settings.home_dir
    running = read_stack(home)
    if running is not None:
        console.print(f"Palermo is already running in {running.home}.", highlight=False)
        _print_addresses(console, running)
        return 0 if _run_after_ready(after_ready, running.temporal_address, console) else 1
    if not _clear_leftovers(home, console):
        return 1
    settings.make_home()
    launch = Launch(new_stack(settings), timeout=ready_timeout)
    env = child_env(settings, launch.info.temporal_address)
    argv = worker_argv or [sys.executable, "-m", "deploy.worker"]
    with _termination_requests_stop():
        try:
            _start(
                launch,
                console,
                env=env,
                worker_argv=argv,
                extra_processes=extra_processes or [],
                search_attributes=search_attributes or {},
            )
            if not _run_after_ready(after_ready, launch.info.temporal_address, console):
                launch.stop()
                return 1
        except StartupError as failure:
            launch.stop()
            console.print(f"Palermo did not start: {failure}", highlight=False)
            _print_tail(console, failure.log)
            return 1
        except (KeyboardInterrupt, StopRequestedError):
            launch.stop()
            console.print("Start-up interrupted; everything it started is stopped.")
            return 130
        console.print(f"Palermo is running in {home}.", highlight=False)
        _print_addresses(console, launch.info)
        if detach:
            launch.detach()
            console.print("Stop it with `palermo down`.")
            return 0
        return _supervise(launch, console)


def down(settings: Settings, console: Console) -> int:
    """Stop every process of the stack under the home folder and forget the stack."""
    home = settings.home_dir
    info = load_stack(home)
    alive = [] if info is None else [child for child in info.processes if child.running()]
    if info is None or not alive:
        remove_stack(home)
        console.print(f"Nothing is running in {home}.", highlight=False)
        return 0
    # Marked first, so a foreground `up` does not report its stopped children as crashed.
    write_stack(info.model_copy(update={"stopping": True}))
    with console.status("Stopping Palermo…"):
        survivors = stop_children(alive)
    if survivors:
        console.print(f"Could not stop processes {', '.join(map(str, survivors))}.")
        return 1
    remove_stack(home)
    stopped = ", ".join(f"{child.name} (pid {child.pid})" for child in alive)
    console.print(f"Stopped {stopped}.", highlight=False)
    return 0
