"""The incidents page shows managers and auditors workflows that ended badly or are stuck, commands refused
through any door, signals refused, and lag; its lists are searched, sorted, turned a page at a time and
downloaded as every list is."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import random
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl.reader.excel import load_workbook
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.engagement_activities import CaseCommand, EngagementActivities
from activities.engagements import Engagements
from deploy.worker import WORKFLOW_RUNNER as RUNNER
from domain.commands import OpenEngagement, RecordTraining
from domain.regions import REGION_OF
from domain.user import Role
from domain.values import Door, Instrument
from domain.views import CaseView
from tests.integration.web_app import csrf_of, running_web_app
from usecases.cases import new_command_id, route, send_patiently
from workflows.client import CommandRefused, send
from workflows.engagement import EngagementWorkflow
from workflows.messages import WORKFLOW_NAME, EngagementInput, workflow_id


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


@workflow.defn(name=WORKFLOW_NAME)
class BrokenEngagement:
    """An engagement workflow whose every workflow task fails, as one that no longer replays would."""

    @workflow.run
    async def run(self, start: EngagementInput) -> None:
        raise RuntimeError(f"Broken on purpose for {start.state}")


class FailingActivities(EngagementActivities):
    """The engagement's activities with an event store that fails every write, as one that is away would,
    until it is `back`."""

    def __init__(self, engagements: Engagements) -> None:
        super().__init__(engagements)
        self.back = threading.Event()

    @activity.defn(name="record_command")
    def record_command(self, payload: CaseCommand) -> CaseView:
        if not self.back.is_set():
            raise RuntimeError("The event store is away")
        return super().record_command(payload)


async def stuck_rows(browser: httpx.AsyncClient, states: set[str]) -> dict[str, list[str]]:
    """The rows of the stuck workflows, by State, once they name `states` (or after a minute)."""
    rows: dict[str, list[str]] = {}
    deadline = time.monotonic() + 60  # a failed task's next attempt and the waits take a moment
    while time.monotonic() < deadline and not states <= set(rows):
        await asyncio.sleep(0.5)
        rows = {row[0]: row for row in _rows((await browser.get("/incidents")).text, "stuck")}
    return rows


async def test_running_workflows_with_a_failing_task_or_a_command_waiting_are_listed_as_stuck(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    healthy, broken, unserved, failing = random.sample(sorted(c for c in REGION_OF if len(c) == 3), 4)
    async with running_web_app(temporal_env_dev, tmp_path, stuck_after=1.0) as web:
        web.add_user("officer", Role.OFFICER, states=(healthy,))
        web.add_user("manager", Role.MANAGER)
        body = {"state": healthy, "instruments": ["convention"], "effective_date": "2001-10-01"}
        assert (await web.api("POST", "/api/cases", "officer", json=body)).status_code == 201
        client: Client = web.app.state.services.client
        queue = f"stuck-{uuid.uuid4().hex[:8]}"
        activities = FailingActivities(web.engagements())
        opening = OpenEngagement(
            state=failing,
            actor="officer",
            command_id=new_command_id(),
            effective_date=date(2001, 10, 1),
            instruments=(Instrument.CONVENTION,),
        )
        manager = await web.browser("manager")
        with ThreadPoolExecutor(max_workers=2) as executor:
            async with (
                Worker(client, task_queue=queue, workflows=[BrokenEngagement], workflow_runner=RUNNER),
                Worker(
                    client,
                    task_queue=f"{queue}-failing",
                    workflows=[EngagementWorkflow],
                    activities=[activities.record_command, activities.load_case],
                    activity_executor=executor,
                    workflow_runner=RUNNER,
                ),
            ):
                await client.start_workflow(
                    WORKFLOW_NAME, EngagementInput(state=broken), id=workflow_id(broken), task_queue=queue
                )
                # A task queue no worker polls.
                unserved_input = EngagementInput(state=unserved)
                await client.start_workflow(
                    WORKFLOW_NAME, unserved_input, id=workflow_id(unserved), task_queue=f"{queue}-none"
                )
                failing_route = replace(route(web.settings), task_queue=f"{queue}-failing")
                sending = asyncio.create_task(send(client, failing_route, opening))
                rows = await stuck_rows(manager, {broken, unserved, failing})
                activities.back.set()  # the command waiting is recorded at its next attempt
                recorded = await asyncio.wait_for(sending, 60)
        await manager.aclose()

    assert set(rows) == {broken, unserved, failing}, rows
    assert rows[broken][2].startswith("workflow task failing (attempt "), rows
    assert f"Broken on purpose for {broken}" in rows[broken][3]
    assert rows[unserved][2] == "workflow task waiting"
    assert rows[unserved][3].startswith("taken by no worker for ")
    assert rows[failing][2] == "command waiting (open)"
    assert rows[failing][3].startswith("not recorded after "), rows
    assert rows[failing][3].endswith(": its activity fails and is retried, or hangs")
    assert recorded.state == failing
