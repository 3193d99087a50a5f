"""The embedded stack starts a real Temporal dev server and worker, stays single, stops whole."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from deploy.stack import down, read_stack, temporal_address_for, up
from tests.integration.conftest import modes
from tests.servers import free_port
from usecases.settings import Settings

STAND_IN_WORKER = """
import asyncio, os, pathlib
from temporalio.client import Client

async def main() -> None:
    await Client.connect(os.environ["PALERMO_TEMPORAL_ADDRESS"])
    (pathlib.Path(os.environ["PALERMO_HOME"]) / "worker.ready").touch()
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def _gone(pid: int) -> bool:
    """Whether `pid` has exited and been reaped (the stack's children are this process's own)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _processes_using(home: Path) -> list[int]:
    """Pids whose command line mentions `home`: whatever a stack under it left running."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and str(home) in (entry / "cmdline").read_text():
                found.append(int(entry.name))
    return [pid for pid in found if not _gone(pid)]


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, force_terminal=False), out


# The umask `up` sets is put back after each test.
pytestmark = pytest.mark.usefixtures("kept_umask")


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    first, second = free_port(), free_port()
    chosen = Settings(home=tmp_path / "home", temporal_address=f"127.0.0.1:{first}", temporal_ui_port=second)
    yield chosen
    down(chosen, _console()[0])


@pytest.fixture
def stand_in_worker(tmp_path: Path) -> list[str]:
    script = tmp_path / "stand_in_worker.py"
    script.write_text(STAND_IN_WORKER)
    return [sys.executable, str(script)]


async def _frontend_answers(address: str) -> bool:
    client = await Client.connect(address)
    info = await client.workflow_service.get_system_info(GetSystemInfoRequest())
    return bool(info.server_version)


def test_up_starts_a_stack_that_answers_and_down_stops_all_of_it(
    settings: Settings, stand_in_worker: list[str]
) -> None:
    console, out = _console()
    sleeper = [sys.executable, "-c", "import time; time.sleep(3600)"]
    told: list[str] = []
    assert (
        up(
            settings,
            detach=True,
            console=console,
            worker_argv=stand_in_worker,
            extra_processes=[("sleeper", sleeper)],
            after_ready=told.append,
        )
        == 0
    )

    home = settings.home_dir
    info = read_stack(home)
    assert info is not None
    assert (home / "stack.json").is_file()
    assert [child.name for child in info.processes] == ["temporal", "worker", "sleeper"]
    assert all(not _gone(child.pid) for child in info.processes)
    assert info.temporal_address == settings.temporal_address
    assert temporal_address_for(settings) == info.temporal_address
    assert told == [info.temporal_address]
    assert (home / "logs" / "temporal.log").is_file()
    assert (home / "logs" / "sleeper.log").is_file()
    # The stack's home, logs, Temporal's database and what its processes write are their owner's alone.
    assert modes(home) == {}
    # The UI's own port is private: people reach the UI through the web app.
    assert info.ui_url not in out.getvalue()
    assert asyncio.run(_frontend_answers(info.temporal_address))
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with no_proxy.open(info.ui_url, timeout=10) as response:
        assert response.status == 200

    again, again_out = _console()
    assert up(settings, detach=True, console=again, worker_argv=stand_in_worker, after_ready=told.append) == 0
    assert "already running" in again_out.getvalue()
    assert read_stack(home) == info
    assert told == [info.temporal_address] * 2

    stopping, stopping_out = _console()
    assert down(settings, stopping) == 0
    assert all(_gone(child.pid) for child in info.processes)
    assert not (home / "stack.json").exists()
    assert not (home / "worker.ready").exists()
    assert "worker" in stopping_out.getvalue()
    assert read_stack(home) is None
    assert temporal_address_for(settings) == settings.temporal_address

    idle, idle_out = _console()
    assert down(settings, idle) == 0
    assert "Nothing is running" in idle_out.getvalue()


def test_a_worker_that_dies_while_starting_stops_the_stack_and_shows_its_log(
    settings: Settings,
) -> None:
    console, out = _console()
    crashing = [sys.executable, "-c", "import sys; print('no store configured'); sys.exit(3)"]

    assert up(settings, detach=True, console=console, worker_argv=crashing) == 1

    said = out.getvalue()
    assert "worker stopped while starting (exit code 3)" in said
    assert "no store configured" in said
    assert not (settings.home_dir / "stack.json").exists()
    assert _processes_using(settings.home_dir) == []


def test_a_worker_that_never_gets_ready_times_out_and_stops_the_stack(
    settings: Settings,
) -> None:
    console, out = _console()
    stuck = [sys.executable, "-c", "import time; print('waiting for the store'); time.sleep(3600)"]

    assert up(settings, detach=True, console=console, worker_argv=stuck, ready_timeout=6) == 1

    said = out.getvalue()
    assert "worker was not ready within 6 s" in said
    assert "waiting for the store" in said
    assert not (settings.home_dir / "stack.json").exists()
    assert _processes_using(settings.home_dir) == []
