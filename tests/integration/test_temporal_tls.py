"""The Temporal client over mutual TLS: the certificates `certs.sh` makes, given by the settings."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, GetSystemInfoRequest
from temporalio.service import TLSConfig
from temporalio.testing import WorkflowEnvironment

from tests.certificates import make_certs
from tests.integration.tls_front import TlsFront
from usecases.cases import connect
from usecases.settings import Settings
from workflows import client as workflows

CONNECT_S = 30.0
NAMESPACE_SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "temporal" / "create-namespace.sh"


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


async def test_the_namespace_script_registers_its_namespace_over_mutual_tls(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    front = front_of(temporal_env_dev, make_certs(tmp_path / "certs"))
    namespace = f"tls-{uuid.uuid4().hex[:8]}"
    # As compose runs it in the admin tools' image: their client certificate, the `temporal` command.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEMPORAL_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env |= {"NAMESPACE": namespace, "TLS_CA": str(front.certs / "ca.pem")}
    env |= {
        "TLS_CERT": str(front.certs / "temporal-admin.pem"),
        "TLS_KEY": str(front.certs / "temporal-admin.key"),
    }

    async with front.serving() as address:
        script = await asyncio.create_subprocess_exec(
            "sh",
            str(NAMESPACE_SCRIPT),
            env=env | {"TEMPORAL_ADDRESS": address},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        said, _ = await asyncio.wait_for(script.communicate(), 120)

    assert script.returncode == 0, said.decode()
    assert set(front.clients) == {"temporal-admin"}
    request = DescribeNamespaceRequest(namespace=namespace)
    described = await temporal_env_dev.client.workflow_service.describe_namespace(request)
    assert described.namespace_info.name == namespace
