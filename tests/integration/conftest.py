"""Fixtures of a production-shaped deployment, shared by the tests that start real processes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.integration.deployment import deployment_settings, fresh_namespace
from tests.integration.processes import WebServers, Workers
from usecases.settings import Settings


@pytest.fixture
async def deployed(
    temporal_env_dev: WorkflowEnvironment, fresh_postgres_url: str, tmp_path: Path
) -> Settings:
    """Settings of a deployment of the test's own: a new PostgreSQL database, namespace and task queue."""
    address = temporal_env_dev.client.service_client.config.target_host
    namespace = await fresh_namespace(temporal_env_dev.client)
    return deployment_settings(tmp_path / "client", fresh_postgres_url, address, namespace)


@pytest.fixture
def workers(deployed: Settings, tmp_path: Path) -> Iterator[Workers]:
    """Worker processes of the deployment, started by the test; all stopped at its end."""
    started = Workers(deployed, tmp_path / "workers")
    yield started
    started.stop()


@pytest.fixture
def web_servers(deployed: Settings, tmp_path: Path) -> Iterator[WebServers]:
    """Web server processes of the deployment, started by the test; all stopped at its end."""
    started = WebServers(deployed, tmp_path / "web")
    yield started
    started.stop()


@pytest.fixture
def kept_umask() -> Iterator[None]:
    """The umask a Palermo command sets is this test process's too: put the one pytest had back."""
    before = os.umask(0o022)
    os.umask(before)
    try:
        yield
    finally:
        os.umask(before)


def modes(home: Path) -> dict[str, str]:
    """Every folder and file under `home` (itself too) that anyone but its owner may read, with its mode."""
    found = {}
    for path in [home, *home.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found[str(path.relative_to(home.parent))] = oct(mode)
    return found
