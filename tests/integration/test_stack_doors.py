"""The embedded stack's doors: every listener on loopback, the Temporal UI read-only behind the web app."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from temporalio.client import Client, WorkflowExecutionStatus

from activities.users import Users
from deploy.stack import applications, down, up
from domain.user import Role, Scope
from tests.integration.test_stack import STAND_IN_WORKER
from tests.integration.web_app import CSRF
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


@pytest.fixture(scope="module")
def tokens(served: Served) -> dict[Role, str]:
    """A user of each role on the stack's own user store, by role."""
    users = Users(served.settings.store_env("Users"))
    try:
        return {
            role: users.add(f"{role.value}-{uuid.uuid4().hex[:6]}", role, scope, actor="test")[1]
            for role, scope in (
                (Role.OFFICER, Scope(states=("FRA",))),
                (Role.MANAGER, Scope()),
                (Role.AUDITOR, Scope()),
            )
        }
    finally:
        users.close()


@contextmanager
def browser(served: Served, token: str | None) -> Iterator[httpx.Client]:
    """A cookie jar on the web app, signed in with `token` unless it is None; never through a proxy."""
    with httpx.Client(base_url=served.web, trust_env=False, timeout=30) as client:
        if token is not None:
            found = CSRF.search(client.get("/login").text)
            assert found is not None, "the sign-in page carries its form token"
            signed = client.post("/login", data={"csrf": found.group(1), "token": token})
            assert signed.status_code == 303, signed.text
        yield client


def running_workflow(served: Served) -> str:
    """The id of a workflow that runs until something ends it (no worker polls its task queue)."""
    workflow = f"doors-{uuid.uuid4().hex[:8]}"

    async def start() -> None:
        client = await Client.connect(served.info.temporal_address)
        await client.start_workflow("Anything", id=workflow, task_queue=f"nobody-{workflow}")

    asyncio.run(start())
    return workflow


def status_of(served: Served, workflow: str) -> WorkflowExecutionStatus | None:
    async def describe() -> WorkflowExecutionStatus | None:
        client = await Client.connect(served.info.temporal_address)
        return (await client.get_workflow_handle(workflow).describe()).status

    return asyncio.run(describe())


def test_managers_and_auditors_watch_workflows_in_the_ui_through_the_web_app(
    served: Served, tokens: dict[Role, str]
) -> None:
    workflow = running_workflow(served)
    for role in (Role.MANAGER, Role.AUDITOR):
        with browser(served, tokens[role]) as watcher:
            home = watcher.get("/temporal/")
            shown = watcher.get(f"/temporal/api/v1/namespaces/default/workflows/{workflow}")
            settings = watcher.get("/temporal/api/v1/settings")
            linked = watcher.get("/cases")

        assert home.status_code == 200, home.text
        assert 'base: "/temporal"' in home.text
        # The UI's one inline script runs by its hash; no other inline script would.
        policy = home.headers["content-security-policy"]
        assert "'sha256-" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert shown.status_code == 200, shown.text
        assert shown.json()["workflowExecutionInfo"]["status"] == "WORKFLOW_EXECUTION_STATUS_RUNNING"
        assert settings.json()["DisableWriteActions"] is True
        assert settings.json()["WorkflowTerminateDisabled"] is True
        assert 'href="/temporal/"' in linked.text
    # The dev server's own UI has every write action on: the web app is what switches them off.
    own = httpx.get(f"{served.info.ui_url}/api/v1/settings", trust_env=False, timeout=30)
    assert own.json()["DisableWriteActions"] is False


def test_no_write_passes_through_the_ui_whoever_asks(served: Served, tokens: dict[Role, str]) -> None:
    workflow = running_workflow(served)
    terminate = f"/temporal/api/v1/namespaces/default/workflows/{workflow}/terminate"
    signal = f"/temporal/api/v1/namespaces/default/workflows/{workflow}/signal/anything"
    for role in (Role.AUDITOR, Role.MANAGER):
        with browser(served, tokens[role]) as watcher:
            for method, path in (("POST", terminate), ("POST", signal), ("DELETE", terminate)):
                refused = watcher.request(method, path, json={"reason": "test"})
                assert refused.status_code == 403, (role, method, path, refused.text)
                # The UI's own calls are answered as the API answers: one sentence in JSON.
                assert refused.json()["error"].startswith("The Temporal UI is read-only here")
    with browser(served, tokens[Role.OFFICER]) as officer:
        assert officer.post(terminate, json={}).status_code == 403
    with browser(served, None) as stranger:
        assert stranger.post(terminate, json={}).status_code == 401

    assert status_of(served, workflow) == WorkflowExecutionStatus.RUNNING


def test_officers_and_strangers_cannot_open_the_ui(served: Served, tokens: dict[Role, str]) -> None:
    with browser(served, tokens[Role.OFFICER]) as officer:
        refused = officer.get("/temporal/")
        cases = officer.get("/cases")
        asked = officer.get("/temporal/api/v1/namespaces/default/workflows")
    with browser(served, None) as stranger:
        sent_away = stranger.get("/temporal/namespaces/default/workflows")
        unknown = stranger.get("/temporal/api/v1/namespaces/default/workflows")

    assert refused.status_code == 403
    assert "Only managers and auditors may do this" in refused.text
    assert "/temporal" not in cases.text
    assert asked.status_code == 403
    assert asked.json()["error"].startswith("Only managers and auditors may do this")
    assert sent_away.status_code == 303
    assert sent_away.headers["location"].startswith("/login")
    assert unknown.status_code == 401
