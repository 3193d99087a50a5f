"""The embedded stack's doors: every listener on loopback, the Temporal UI read-only behind the web app."""

from __future__ import annotations

import io
import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console

from deploy.stack import applications, down, up
from tests.integration.test_stack import STAND_IN_WORKER
from tests.servers import free_port
from usecases.embedded import StackInfo, read_stack, running_address
from usecases.settings import Settings

WEB_START_S = 60.0


@dataclass(frozen=True)
class Served:
    """A running stack with the real projector and web server, and the web app's address."""

    settings: Settings
    info: StackInfo
    web: str


def _address(hexadecimal: str) -> str:
    """An address as /proc/net/tcp{,6} writes it: 32-bit words in the kernel's (little-endian) order."""
    words = [bytes.fromhex(hexadecimal[i : i + 8])[::-1] for i in range(0, len(hexadecimal), 8)]
    family = socket.AF_INET if len(words) == 1 else socket.AF_INET6
    return socket.inet_ntop(family, b"".join(words))


def listening(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs on which process `pid` accepts TCP connections."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                address, port = local.split(":")
                found.add((_address(address), int(port, 16)))
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("doors")
    settings = Settings(
        home=folder / "home", temporal_address=f"127.0.0.1:{free_port()}", temporal_ui_port=free_port()
    )
    worker = folder / "stand_in_worker.py"
    worker.write_text(STAND_IN_WORKER)
    out = io.StringIO()
    console = Console(file=out, width=200)
    with pytest.MonkeyPatch.context() as shell:
        # An operator's shell may ask for every interface; the embedded stack stays on loopback all the same.
        shell.setenv("PALERMO_WEB_HOST", "0.0.0.0")
        shell.setenv("PALERMO_WEB_PORT", str(free_port()))
        code = up(
            settings,
            detach=True,
            console=console,
            worker_argv=[sys.executable, str(worker)],
            extra_processes=applications(),
        )
    try:
        assert code == 0, out.getvalue()
        deadline = time.monotonic() + WEB_START_S
        while (web := running_address(settings.home_dir)) is None:
            assert time.monotonic() < deadline, (settings.home_dir / "logs" / "web.log").read_text()
            time.sleep(0.2)
        info = read_stack(settings.home_dir)
        assert info is not None
        yield Served(settings=settings, info=info, web=web.url)
    finally:
        down(settings, console)


def test_every_port_the_stack_opens_is_on_loopback_only(served: Served) -> None:
    info = served.info
    assert [child.name for child in info.processes] == ["temporal", "worker", "projector", "web"]
    opened = {child.name: listening(child.pid) for child in info.processes}
    web_port = int(served.web.rpartition(":")[2])

    ports = {name: {port for _, port in pairs} for name, pairs in opened.items()}
    assert {info.temporal_port, info.ui_port} <= ports["temporal"]
    # The frontend's HTTP API and the metrics endpoint open ports of their own.
    assert len(ports["temporal"]) > 2, opened
    assert web_port in ports["web"]
    everywhere = {name: pairs for name, pairs in opened.items() if any(a != "127.0.0.1" for a, _ in pairs)}
    assert everywhere == {}
