"""The API of engagements: list and read cases; open, advance and withdraw them through the workflow."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.responses import JSONResponse

from activities.engagements import HistoryEntry
from activities.regions import Region
from activities.users import UserRecord
from deploy.web import bodies as b
from deploy.web.access import ApiUser, Wired, api_roles, check_act, check_read, state_code
from deploy.web.api_models import REFUSALS, CaseDetail, CaseSummary, RawEvent, Stage, detail, summary
from deploy.web.casebook import CaseFilter, select
from deploy.web.errors import ApiError
from deploy.web.idempotency import IdempotencyKey, fingerprint, once
from deploy.web.services import Services
from domain.engagement import engagement_id
from domain.user import Role
from domain.values import Instrument

router = APIRouter(prefix="/api", tags=["cases"], responses=REFUSALS)


def readable(state: str, user: ApiUser, wired: Wired) -> str:
    """The case's State, once the user may read it."""
    code = state_code(wired, state)
    check_read(user, code)
    return code


def actionable(state: str, user: ApiUser, wired: Wired) -> str:
    """The case's State, once the user may record its steps (before the body is even looked at)."""
    code = state_code(wired, state)
    check_act(user, code)
    return code


Readable = Annotated[str, Depends(readable)]
Actionable = Annotated[str, Depends(actionable)]


@router.get("/cases", summary="List cases, filtered")
def list_cases(
    user: ApiUser,
    wired: Wired,
    region: Region | None = None,
    instrument: Instrument | None = None,
    stage: Stage | None = None,
    overdue: bool | None = None,
) -> list[CaseSummary]:
    """Every case the user may read (an officer: their States and regions), narrowed by the filters given."""
    wanted = CaseFilter(region=region, instrument=instrument, stage=stage, overdue=overdue)
    visible = [c for c in wired.book.cases() if user.role is not Role.OFFICER or user.covers(c.state)]
    return [summary(c, wired) for c in select(visible, wanted, wired.due_days, wired.now())]


@router.get("/cases/{state}", summary="Read a case")
def read_case(state: Readable, wired: Wired) -> CaseDetail:
    case = wired.book.case(state)
    if case is None:
        raise ApiError(404, f"{state} has no engagement.")
    return detail(case, wired)


@router.get("/cases/{state}/history", summary="The events of a case, in order")
def case_history(state: Readable, wired: Wired) -> list[HistoryEntry]:
    entries = wired.engagements.history(state)
    if not entries:
        raise ApiError(404, f"{state} has no engagement.")
    return entries


@router.get("/audit/cases/{state}", summary="The stored events of a case, as recorded (auditors)")
def raw_history(
    state: str, wired: Wired, _user: Annotated[UserRecord, Depends(api_roles(Role.AUDITOR))]
) -> list[RawEvent]:
    code = state_code(wired, state)
    stored = wired.engagements.recorder.select_events(engagement_id(code))
    if not stored:
        raise ApiError(404, f"{code} has no engagement.")
    return [
        RawEvent(
            version=e.originator_version,
            topic=e.topic,
            sha256=hashlib.sha256(e.state).hexdigest(),
            state=json.loads(e.state),
        )
        for e in stored
    ]


async def _act(
    wired: Services,
    user: UserRecord,
    state: str,
    kind: str,
    body: b.Body,
    key: str | None,
    path: str,
    status: int = status.HTTP_200_OK,
) -> JSONResponse:
    """Send the body's command once per Idempotency-Key; the answer is the case as it then stands."""

    async def record(command_id: str) -> tuple[int, CaseDetail]:
        command = b.command_of(
            kind, body, state=state, actor=user.name, today=wired.today(), command_id=command_id
        )
        return status, detail(await wired.send(command), wired)

    return await once(wired, user, key, fingerprint("POST", path, body), record)


@router.post(
    "/cases",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseDetail,
    summary="Open an engagement (a State's request)",
)
async def open_case(
    body: b.OpenBody,
    wired: Wired,
    user: Annotated[UserRecord, Depends(api_roles(Role.OFFICER))],
    key: IdempotencyKey = None,
) -> JSONResponse:
    code = wired.participant(body.state).code
    check_act(user, code)
    return await _act(wired, user, code, "open", body, key, "/api/cases", status.HTTP_201_CREATED)


# Every step after the request, by the name of its path and the workflow's update, with its summary.
STEPS = (
    ("law_summary", "Record the law summary"),
    ("focal_point", "Record the focal point named"),
    ("gap_list", "Record the gap list"),
    ("assistance_activity", "Record one assistance activity"),
    ("assistance", "Conclude assistance"),
    ("bill", "Record a bill reaching a stage"),
    ("legislation", "Conclude legislation"),
    ("training", "Record the training of officials (completes the case)"),
    ("withdraw", "Withdraw the engagement"),
)


def _step_route(kind: str, summary: str) -> None:
    """POST /api/cases/{state}/<kind>, whose body is the step's own model (so the schema names its fields)."""

    async def record_step(
        state: Actionable, body: b.Body, user: ApiUser, wired: Wired, key: IdempotencyKey = None
    ) -> JSONResponse:
        path = f"/api/cases/{state}/{kind}"
        return await _act(wired, user, state, kind, body, key, path)

    record_step.__annotations__["body"] = b.COMMANDS[kind][0]
    # The name makes the route's name and operationId, as a handler written out by hand would.
    record_step.__name__ = record_step.__qualname__ = kind
    router.post(f"/cases/{{state}}/{kind}", response_model=CaseDetail, summary=summary)(record_step)


for _kind, _summary in STEPS:
    _step_route(_kind, _summary)
