"""The API of engagements: list and read cases; open, advance and withdraw them through the workflow."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Depends, status

from activities.engagements import HistoryEntry
from activities.regions import Region
from activities.users import UserRecord
from deploy.web import bodies as b
from deploy.web.access import ApiUser, Wired, api_roles, check_act, check_read, state_code
from deploy.web.api_models import CaseDetail, CaseSummary, RawEvent, Stage, detail, summary
from deploy.web.casebook import CaseFilter, select
from deploy.web.errors import ApiError
from deploy.web.services import Services
from domain.engagement import engagement_id
from domain.user import Role
from domain.values import Instrument

router = APIRouter(prefix="/api", tags=["cases"])


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


async def _act(wired: Services, user: UserRecord, state: str, kind: str, body: b.Body) -> CaseDetail:
    command = b.command_of(kind, body, state=state, actor=user.name, today=wired.today())
    return detail(await wired.send(command), wired)


@router.post("/cases", status_code=status.HTTP_201_CREATED, summary="Open an engagement (a State's request)")
async def open_case(
    body: b.OpenBody, wired: Wired, user: Annotated[UserRecord, Depends(api_roles(Role.OFFICER))]
) -> CaseDetail:
    code = wired.participant(body.state).code
    check_act(user, code)
    return await _act(wired, user, code, "open", body)


@router.post("/cases/{state}/law_summary", summary="Record the law summary")
async def law_summary(state: Actionable, body: b.LawSummaryBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "law_summary", body)


@router.post("/cases/{state}/focal_point", summary="Record the focal point named")
async def focal_point(state: Actionable, body: b.FocalPointBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "focal_point", body)


@router.post("/cases/{state}/gap_list", summary="Record the gap list")
async def gap_list(state: Actionable, body: b.GapListBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "gap_list", body)


@router.post("/cases/{state}/assistance_activity", summary="Record one assistance activity")
async def assistance_activity(
    state: Actionable, body: b.AssistanceActivityBody, user: ApiUser, wired: Wired
) -> CaseDetail:
    return await _act(wired, user, state, "assistance_activity", body)


@router.post("/cases/{state}/assistance", summary="Conclude assistance")
async def assistance(state: Actionable, body: b.AssistanceBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "assistance", body)


@router.post("/cases/{state}/bill", summary="Record a bill reaching a stage")
async def bill(state: Actionable, body: b.BillBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "bill", body)


@router.post("/cases/{state}/legislation", summary="Conclude legislation")
async def legislation(state: Actionable, body: b.LegislationBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "legislation", body)


@router.post("/cases/{state}/training", summary="Record the training of officials (completes the case)")
async def training(state: Actionable, body: b.TrainingBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "training", body)


@router.post("/cases/{state}/withdraw", summary="Withdraw the engagement")
async def withdraw(state: Actionable, body: b.WithdrawBody, user: ApiUser, wired: Wired) -> CaseDetail:
    return await _act(wired, user, state, "withdraw", body)
