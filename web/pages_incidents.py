"""Incidents, for managers and auditors: how far behind the read model is, engagement workflows that failed,
timed out or were terminated, signals the workflows refused, and escalated steps."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client
from temporalio.service import RPCError

from activities.users import UserRecord
from domain.user import Role
from projections.casebook import open_steps
from usecases.read_models import open_store
from web.access import Wired, page_roles
from web.incidents import Incident, Lag
from web.listings import ESCALATED, LAG, WORKFLOWS
from web.lists import asked_file
from web.services import Services
from web.views import render
from workflows.client import ServerUnavailable
from workflows.messages import EngagementStatus, workflow_id

router = APIRouter(include_in_schema=False)
Reader = Annotated[UserRecord, Depends(page_roles(Role.MANAGER, Role.AUDITOR))]
# Runs that ended neither by completing their case nor by continuing as new.
ENDED_BADLY = ("Failed", "TimedOut", "Terminated", "Canceled")
QUERY_TIMEOUT_S = 3.0
# The open cases whose workflows are asked for their refused signals, at most.
ASKED = 200


def _lag(wired: Services) -> list[Lag]:
    store = open_store(wired.settings)
    try:
        return [Lag(log.name, store.position(log.name), log.last()) for log in wired.logs]
    finally:
        store.close()


async def _ended_badly(client: Client) -> list[Incident]:
    statuses = " OR ".join(f"ExecutionStatus = '{s}'" for s in ENDED_BADLY)
    found = []
    async for run in client.list_workflows(f"WorkflowType = 'Engagement' AND ({statuses})", limit=500):
        state = run.id.removeprefix("engagement-")
        status = run.status.name.replace("_", " ").lower() if run.status is not None else "ended"
        found.append(Incident(state, run.close_time, f"workflow {status}", f"run {run.run_id}"))
    return found


async def _refused_signals(client: Client, states: list[str]) -> list[Incident]:
    async def ask(state: str) -> list[Incident]:
        try:
            handle = client.get_workflow_handle(workflow_id(state))
            status = await asyncio.wait_for(
                handle.query("status", result_type=EngagementStatus), QUERY_TIMEOUT_S
            )
        except (TimeoutError, RPCError):
            return []
        return [Incident(state, r.at, f"signal refused ({r.kind})", r.reason) for r in status.refusals]

    answers = await asyncio.gather(*(ask(state) for state in states[:ASKED]))
    return [incident for found in answers for incident in found]


@router.get("/incidents", response_model=None)
async def incidents_page(request: Request, user: Reader, wired: Wired) -> HTMLResponse | Response:
    lag = LAG.shown(request, await run_in_threadpool(_lag, wired))
    cases = wired.book.cases()
    now = wired.now()
    escalated = ESCALATED.shown(
        request,
        (
            Incident(
                s.state, s.due_at, f"{s.step.value.replace('_', ' ')} escalated", f"due {s.due_at.date()}"
            )
            for c in cases
            for s in open_steps(c, wired.due_days, now)
            if s.escalated
        ),
    )
    unreachable = None
    workflows: list[Incident] = []
    try:
        client = await wired.temporal()
        workflows = await _ended_badly(client)
        open_states = [c.state for c in cases if c.status.value == "open"]
        workflows += await _refused_signals(client, open_states)
    except (ServerUnavailable, RPCError) as error:
        unreachable = str(error)
    shown = WORKFLOWS.shown(request, workflows)
    return asked_file(shown, escalated, lag) or render(
        request,
        "incidents.html",
        user,
        lag=lag,
        workflows=shown,
        escalated=escalated,
        unreachable=unreachable,
    )
