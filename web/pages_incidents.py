"""Incidents, for managers and auditors: how far behind the read model is, engagement workflows that failed,
timed out or were terminated, commands refused through any door, signals the workflows refused, and escalated
steps."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client
from temporalio.service import RPCError

from activities.refused_commands import RefusalsUnavailable, RefusedCommand
from activities.users import UserRecord
from domain.user import Role
from projections.casebook import open_steps
from usecases.read_models import open_store
from usecases.refusals import open_refused_commands
from web.access import Wired, page_roles
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
# The refused commands shown, newest first (more are kept: activities.refused_commands.KEPT).
SHOWN_REFUSALS = 200


@dataclass(frozen=True)
class Lag:
    log: str
    read: int
    last: int

    @property
    def behind(self) -> int:
        return max(0, self.last - self.read)


@dataclass(frozen=True)
class Refusals:
    """The latest refused commands, how many are kept in all, or why they could not be read."""

    latest: list[RefusedCommand]
    kept: int
    unreadable: str | None = None


@dataclass(frozen=True)
class Incident:
    """Something that went wrong with one State's case or workflow."""

    state: str
    when: datetime | None
    what: str
    detail: str


def _lag(wired: Services) -> list[Lag]:
    store = open_store(wired.settings)
    try:
        return [Lag(log.name, store.position(log.name), log.last()) for log in wired.logs]
    finally:
        store.close()


def _refusals(wired: Services) -> Refusals:
    try:
        kept = open_refused_commands(wired.settings)
        return Refusals(kept.latest(SHOWN_REFUSALS), kept.count())
    except RefusalsUnavailable as error:
        return Refusals([], 0, f"The refused commands could not be read: {error}")


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


@router.get("/incidents")
async def incidents_page(request: Request, user: Reader, wired: Wired) -> HTMLResponse:
    lag = await run_in_threadpool(_lag, wired)
    refusals = await run_in_threadpool(_refusals, wired)
    cases = wired.book.cases()
    now = wired.now()
    escalated = [
        Incident(s.state, s.due_at, f"{s.step.value.replace('_', ' ')} escalated", f"due {s.due_at.date()}")
        for c in cases
        for s in open_steps(c, wired.due_days, now)
        if s.escalated
    ]
    unreachable = None
    workflows: list[Incident] = []
    try:
        client = await wired.temporal()
        workflows = await _ended_badly(client)
        open_states = [c.state for c in cases if c.status.value == "open"]
        workflows += await _refused_signals(client, open_states)
    except (ServerUnavailable, RPCError) as error:
        unreachable = str(error)
    return render(
        request,
        "incidents.html",
        user,
        lag=lag,
        refusals=refusals,
        workflows=sorted(workflows, key=lambda i: (i.when is None, i.when), reverse=True),
        escalated=escalated,
        unreachable=unreachable,
    )
