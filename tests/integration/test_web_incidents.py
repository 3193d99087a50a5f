"""The incidents page shows managers and auditors workflows that ended badly, commands refused through any
door, signals refused, and lag."""

from __future__ import annotations

import asyncio
import html
import random
import re
from datetime import date
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from domain.commands import RecordTraining
from domain.regions import REGION_OF
from domain.user import Role
from domain.values import Door
from tests.integration.web_app import csrf_of, running_web_app
from usecases.cases import new_command_id, send_patiently
from workflows.client import CommandRefused
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


def _rows(page: str, section: str) -> list[list[str]]:
    """The cells of each row of the table under heading `section`, as text."""
    part = page.split(f'<h2 id="{section}">', 1)[1].split("<h2 ", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", part)
        if "<td>" in row
    ]


async def test_commands_refused_through_each_door_are_listed_with_door_actor_and_reason(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    opened, unopened = random.sample(sorted(c for c in REGION_OF if len(c) == 3), 2)
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user("a.quispe", Role.OFFICER, states=(opened, unopened))
        web.add_user("b.okafor", Role.OFFICER, states=(opened, unopened))
        web.add_user("manager", Role.MANAGER)
        body = {"state": opened, "instruments": ["convention"], "effective_date": "2001-10-01"}
        assert (await web.api("POST", "/api/cases", "a.quispe", json=body)).status_code == 201
        before = _rows((await (manager := await web.browser("manager")).get("/incidents")).text, "refused")
        officer = await web.browser("a.quispe")
        fields = {"officials_trained": "3", "effective_date": "2002-01-01"}
        form = await officer.post(
            f"/cases/{opened}/training", data={"csrf": await csrf_of(officer), **fields}
        )
        api = await web.api(
            "POST", f"/api/cases/{unopened}/law_summary", "b.okafor", json={"document": "L/1"}
        )
        command = RecordTraining(
            state=opened, actor="c.rossi", effective_date=date(2002, 1, 2), command_id=new_command_id()
        )
        with pytest.raises(CommandRefused) as by_cli:
            await send_patiently(web.settings, command, door=Door.CLI, patience=5.0)
        page = (await manager.get("/incidents")).text
        await manager.aclose()
        await officer.aclose()

    rows = {row[3]: row for row in _rows(page, "refused")}
    assert before == []
    assert form.status_code in (409, 422), form.text
    assert api.status_code in (404, 409, 422), api.text
    assert set(rows) == {"web", "api", "cli"}, rows
    assert rows["web"][1:5] == [opened, "training", "web", "a.quispe"]
    assert rows["api"][1:5] == [unopened, "law summary", "api", "b.okafor"]
    assert rows["cli"][1:5] == [opened, "training", "cli", "c.rossi"]
    flashed = re.search(r'<p class="flash error"[^>]*>([^<]+)</p>', form.text)
    assert flashed is not None, form.text
    assert html.unescape(rows["web"][5]) == html.unescape(flashed.group(1))
    assert rows["api"][5] == api.json()["error"]
    assert rows["cli"][5] == str(by_cli.value)
