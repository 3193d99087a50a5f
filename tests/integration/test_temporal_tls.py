"""The Temporal client over mutual TLS: the certificates `certs.sh` makes, given by the settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from tests.integration.tls_front import TlsFront, make_certs
from usecases.cases import connect
from usecases.settings import Settings
from workflows import client as workflows

CONNECT_S = 30.0


def front_of(env: WorkflowEnvironment, certs: Path) -> TlsFront:
    host, _, port = env.client.service_client.config.target_host.rpartition(":")
    return TlsFront(certs, (host, int(port)))


def with_tls(home: Path, address: str, certs: Path) -> Settings:
    return Settings(
        home=home,
        temporal_address=address,
        temporal_tls_cert=certs / "palermo.pem",
        temporal_tls_key=certs / "palermo.key",
        temporal_tls_ca=certs / "ca.pem",
    )


async def test_palermo_reaches_a_frontend_that_requires_its_client_certificate(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    front = front_of(temporal_env_dev, make_certs(tmp_path / "certs"))

    async with front.serving() as address:
        client = await asyncio.wait_for(connect(with_tls(tmp_path, address, front.certs)), CONNECT_S)
        info = await client.workflow_service.get_system_info(GetSystemInfoRequest())

    assert info.server_version
    assert set(front.clients) == {"palermo"}


async def test_without_a_client_certificate_the_frontend_is_not_reached(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    front = front_of(temporal_env_dev, make_certs(tmp_path / "certs"))
    trusting = TLSConfig(server_root_ca_cert=(front.certs / "ca.pem").read_bytes())

    async with front.serving() as address:
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(connect(Settings(home=tmp_path, temporal_address=address)), CONNECT_S)
        with pytest.raises(RuntimeError):
            await asyncio.wait_for(workflows.connect(address, "default", trusting), CONNECT_S)

    assert front.clients == []
