"""The incidents page shows managers and auditors workflows that ended badly, signals refused, and lag; the
workflows' incidents are searched, sorted, turned a page at a time and downloaded as every list is."""

from __future__ import annotations

import asyncio
import csv
import io
import random
from pathlib import Path

from openpyxl.reader.excel import load_workbook
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import running_web_app
from workflows.messages import workflow_id


def _states(table: str) -> list[str]:
    return [row[0] for row in csv.reader(io.StringIO(table))][1:]


async def test_terminated_workflows_and_refused_signals_are_listed(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    ended, signalled = random.sample(sorted(c for c in REGION_OF if len(c) == 3), 2)
    # One incident a page: the two make two pages.
    async with running_web_app(temporal_env_dev, tmp_path, page_size=1) as web:
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
        listed = ""
        for _ in range(20):  # visibility shows the terminated run a moment later
            listed = (await manager.get("/incidents", params={"download": "csv"})).text
            if "workflow terminated" in listed and "signal refused" in listed:
                break
            await asyncio.sleep(0.5)
        first = (await manager.get("/incidents")).text
        second = (await manager.get("/incidents", params={"page": "2"})).text
        found = await manager.get("/incidents", params={"q": f"{ended} terminated", "download": "csv"})
        searched = (await manager.get("/incidents", params={"q": ended.lower()})).text
        rising = await manager.get("/incidents", params={"sort": "state", "download": "csv"})
        falling = await manager.get("/incidents", params={"sort": "-state", "download": "xlsx"})
        officer = await web.browser("officer")
        refused = await officer.get("/incidents")
        await manager.aclose()
        await officer.aclose()

    page = first + second
    assert "workflow terminated" in page
    assert f'href="/cases/{ended}"' in page
    assert "signal refused" in page
    assert "needs legislation first" in page or "legislation" in page
    assert "Engagements</td>" in page
    assert refused.status_code == 403
    assert 'rel="next"' in first
    assert sorted(_states(listed)) == sorted((ended, signalled))
    assert _states(found.text) == [ended]
    assert f'href="/cases/{ended}"' in searched
    assert f'href="/cases/{signalled}"' not in searched
    assert _states(rising.text) == sorted((ended, signalled))
    sheet = load_workbook(io.BytesIO(falling.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == [
        "State",
        *sorted((ended, signalled))[::-1],
    ]
