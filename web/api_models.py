"""What the API answers with, beyond the domain's own views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.groups import group_of
from domain.regions import region_of
from domain.values import Instrument, Status
from domain.views import CaseView
from projections.casebook import OpenStep, open_steps, stage_of
from web.services import Services
from workflows.messages import workflow_id

Stage = Literal[
    "law_summary",
    "focal_point",
    "gap_list",
    "assistance",
    "legislation",
    "training",
    "completed",
    "withdrawn",
]


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class WorkflowRef(Answer):
    """The Temporal workflow that runs the case, and where the Temporal UI shows it."""

    id: str
    url: str


class CaseSummary(Answer):
    """One line of a case list."""

    state: str
    state_name: str
    region: str | None
    # The United Nations regional group (African States, …), beside the M49 region.
    group: str | None = None
    status: Status
    stage: str
    instruments: tuple[Instrument, ...]
    received: date
    modified_at: datetime
    open_steps: list[OpenStep]
    overdue: bool


class CaseDetail(Answer):
    """A case as the event store holds it, with its open steps and its workflow."""

    case: CaseView
    region: str | None
    stage: str
    open_steps: list[OpenStep]
    workflow: WorkflowRef


class RawEvent(Answer):
    """A stored event exactly as recorded: topic, version, fields, and a SHA-256 of the stored bytes."""

    version: int
    topic: str
    sha256: str
    state: dict[str, Any]


class ErrorAnswer(Answer):
    """Every refusal: one sentence."""

    error: str


# What every API route may answer besides success: one sentence, never FastAPI's own `{"detail": ...}`.
REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorAnswer, "description": description}
    for status, description in (
        (400, "The body cannot be read"),
        (401, "No token, or one that is not valid"),
        (403, "Outside the user's role or scope"),
        (404, "Unknown State, case or resource"),
        (409, "Conflicts with the case as it stands"),
        (413, "The body is too large"),
        (422, "Invalid input, or refused by a rule"),
        (429, "Too many failed sign-ins from this address or on this token: wait as Retry-After says"),
        (503, "The Temporal server or the workflow did not answer"),
    )
}


def summary(case: CaseView, wired: Services, now: datetime | None = None) -> CaseSummary:
    """The case as lists show it, its steps overdue at `now` (default: the clock's now)."""
    steps = open_steps(case, wired.due_days, now or wired.now())
    region = region_of(case.state)
    return CaseSummary(
        state=case.state,
        state_name=case.state_name,
        region=region.value if region else None,
        group=group.value if (group := group_of(case.state)) else None,
        status=case.status,
        stage=stage_of(case),
        instruments=case.instruments,
        received=case.received,
        modified_at=case.modified_at,
        open_steps=steps,
        overdue=any(s.overdue for s in steps),
    )


def detail(case: CaseView, wired: Services) -> CaseDetail:
    region = region_of(case.state)
    return CaseDetail(
        case=case,
        region=region.value if region else None,
        stage=stage_of(case),
        open_steps=open_steps(case, wired.due_days, wired.now()),
        workflow=WorkflowRef(id=workflow_id(case.state), url=wired.workflow_link(case.state)),
    )
