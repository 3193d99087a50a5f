"""Incidents, for managers and auditors: how far behind the read model is, engagement workflows that failed,
timed out, were terminated or are stuck, commands refused through any door, signals the workflows refused,
and escalated steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from temporalio.service import RPCError

from activities.refused_commands import RefusalsUnavailable, RefusedCommand
from activities.users import UserRecord
from domain.user import Role
from projections.casebook import open_steps
from usecases.read_models import open_store
from usecases.refusals import open_refused_commands
from web.access import Wired, page_roles
from web.incidents import Incident, Lag
from web.listings import ESCALATED, LAG, REFUSED, STUCK, WORKFLOWS
from web.lists import asked_file
from web.services import Services, utc_now
from web.views import render
from web.workflow_incidents import ended_badly, refused_signals, stuck
from workflows.client import ServerUnavailable

router = APIRouter(include_in_schema=False)
Reader = Annotated[UserRecord, Depends(page_roles(Role.MANAGER, Role.AUDITOR))]
# The refused commands shown, newest first (more are kept: activities.refused_commands.KEPT).
SHOWN_REFUSALS = 200


def _lag(wired: Services) -> list[Lag]:
    store = open_store(wired.settings)
    try:
        return [Lag(log.name, store.position(log.name), log.last()) for log in wired.logs]
    finally:
        store.close()


@dataclass(frozen=True)
class Refusals:
    """The latest refused commands, how many are kept in all, or why they could not be read."""

    latest: list[RefusedCommand]
    kept: int
    unreadable: str | None = None


def _refusals(wired: Services) -> Refusals:
    try:
        kept = open_refused_commands(wired.settings)
        return Refusals(kept.latest(SHOWN_REFUSALS), kept.count())
    except RefusalsUnavailable as error:
        return Refusals([], 0, f"The refused commands could not be read: {error}")


@router.get("/incidents", response_model=None)
async def incidents_page(request: Request, user: Reader, wired: Wired) -> HTMLResponse | Response:
    lag = LAG.shown(request, await run_in_threadpool(_lag, wired))
    refusals = await run_in_threadpool(_refusals, wired)
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
    stuck_now: list[Incident] = []
    try:
        client = await wired.temporal()
        workflows = await ended_badly(client)
        open_states = [c.state for c in cases if c.status.value == "open"]
        workflows += await refused_signals(client, open_states)
        # Measured against the server's clock, as Temporal's own times are, not the app's (tests move it).
        stuck_now = await stuck(client, utc_now(), timedelta(seconds=wired.web.stuck_after))
    except (ServerUnavailable, RPCError) as error:
        unreachable = str(error)
    shown = WORKFLOWS.shown(request, workflows)
    refused = REFUSED.shown(request, refusals.latest)
    stuck_shown = STUCK.shown(request, stuck_now)
    return asked_file(shown, refused, stuck_shown, escalated, lag) or render(
        request,
        "incidents.html",
        user,
        lag=lag,
        workflows=shown,
        refusals=refusals,
        refused=refused,
        stuck=stuck_shown,
        escalated=escalated,
        unreachable=unreachable,
    )
