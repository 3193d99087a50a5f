"""The incidents page shows managers and auditors workflows that ended badly, signals refused, and lag."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import running_web_app
from workflows.messages import workflow_id


async def test_terminated_workflows_and_refused_signals_are_listed(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    ended, signalled = random.sample(sorted(c for c in REGION_OF if len(c) == 3), 2)
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user("officer", Role.OFFICER, states=(ended, signalled))
        web.add_user("manager", Role.MANAGER)
        for state in (ended, signalled):
            body = {"state": state, "instruments": ["convention"], "effective_date": "2001-10-01"}
            assert (await web.api("POST", "/api/cases", "officer", json=body)).status_code == 201
        client: Client = web.app.state.services.client
        await client.get_workflow_handle(workflow_id(ended)).terminate(reason="test")
        await client.get_workflow_handle(workflow_id(signalled)).signal(
            "training", {"state": signalled, "effective_date": "2002-01-01", "officials_trained": 3}
        )
        manager = await web.browser("manager")
        page = ""
        for _ in range(20):  # visibility shows the terminated run a moment later
            page = (await manager.get("/incidents")).text
            if "workflow terminated" in page and "signal refused" in page:
                break
            await asyncio.sleep(0.5)
        officer = await web.browser("officer")
        refused = await officer.get("/incidents")
        await manager.aclose()
        await officer.aclose()

    assert "workflow terminated" in page
    assert f'href="/cases/{ended}"' in page
    assert "signal refused" in page
    assert "needs legislation first" in page or "legislation" in page
    assert "Engagements</td>" in page
    assert refused.status_code == 403
