"""The API of engagements: list and read cases; open, advance and withdraw them through the workflow."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse

from activities.engagements import HistoryEntry
from activities.users import UserRecord
from domain.engagement import engagement_id
from domain.groups import RegionalGroup
from domain.regions import Region
from domain.user import Role
from domain.values import Door, Instrument
from projections.casebook import CaseFilter, select
from web.access import (
    ApiUser,
    Wired,
    api_roles,
    case_code,
    check_act,
    check_read,
    check_role,
    forbidden,
)
from web.api_models import REFUSALS, CaseDetail, CaseSummary, RawEvent, Stage, detail, summary
from web.bodies import BODIES, Body, RequestBody, command_of
from web.errors import ApiError
from web.idempotency import IdempotencyKey, fingerprint, once
from web.services import Services
from workflows.commands import COMMANDS, Row, refusal

router = APIRouter(prefix="/api", tags=["cases"], responses=REFUSALS)


def readable(state: str, user: ApiUser, wired: Wired) -> str:
    """The case's State, once the user may read it."""
    code = case_code(wired, state)
    check_read(user, code)
    return code


Readable = Annotated[str, Depends(readable)]


@router.get("/cases", summary="List cases, filtered")
def list_cases(
    user: ApiUser,
    wired: Wired,
    region: Region | None = None,
    group: RegionalGroup | None = None,
    instrument: Instrument | None = None,
    stage: Stage | None = None,
    overdue: bool | None = None,
) -> list[CaseSummary]:
    """Every case the user may read (an officer: their States and regions), narrowed by the filters given."""
    wanted = CaseFilter(region=region, group=group, instrument=instrument, stage=stage, overdue=overdue)
    visible = [c for c in wired.book.cases() if user.role is not Role.OFFICER or user.covers(c.state)]
    return [summary(c, wired) for c in select(visible, wanted, wired.due_days, wired.now())]


@router.get("/cases/{state}", summary="Read a case")
def read_case(
    state: Readable, wired: Wired, round: Annotated[int | None, Query(ge=1, le=10_000)] = None
) -> CaseDetail:
    """The case's current round, or with `round` an earlier one as it was left."""
    case = wired.book.case(state)
    if case is None:
        raise ApiError(404, f"{state} has no engagement.")
    if round is not None and round != case.round:
        earlier = wired.engagements.case_of_round(state, round)
        if earlier is None:
            raise ApiError(404, f"{state} has no round {round} of its engagement.")
        return detail(earlier, wired)
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
    code = case_code(wired, state)
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


# Said on an answer whose step was dated the day it was recorded, because its body gave no effective_date.
DATED_HEADER = "Palermo-Dated"


async def _act(
    wired: Services, user: UserRecord, state: str, row: Row, body: Body, key: str | None, path: str
) -> JSONResponse:
    """Send the body's command once per Idempotency-Key; the answer is the case as it then stands."""
    status_code = status.HTTP_201_CREATED if row.opens else status.HTTP_200_OK

    async def record(command_id: str) -> tuple[int, CaseDetail]:
        command = command_of(
            row, body, state=state, actor=user.name, today=wired.today(), command_id=command_id
        )
        refused = refusal(row, command, user.role)
        if refused is not None:
            raise forbidden(refused)
        return status_code, detail(await wired.send(command, Door.API), wired)

    answer = await once(wired, user, key, fingerprint("POST", path, body), record)
    if getattr(body, "effective_date", None) is None and answer.status_code < 300:
        # As the command line says so: a step with no date given is dated the day it is recorded.
        answer.headers[DATED_HEADER] = "today (no effective_date given)"
    return answer


def _route(row: Row) -> None:
    """POST /api/cases (a request) or /api/cases/{state}/<name>, whose body is the command's own model."""

    def actionable(state: str, user: ApiUser, wired: Wired) -> str:
        """The case's State, once the user may send this command for it (before the body is looked at)."""
        code = case_code(wired, state)
        check_act(user, code, row.admits)
        return code

    async def record(
        state: str,
        body: Body,
        user: ApiUser,
        wired: Wired,
        key: IdempotencyKey = None,
    ) -> JSONResponse:
        return await _act(wired, user, state, row, body, key, f"/api/cases/{state}/{row.name}")

    async def record_request(
        body: RequestBody, user: ApiUser, wired: Wired, key: IdempotencyKey = None
    ) -> JSONResponse:
        check_role(user, row.senders)
        code = wired.participant(body.state).code
        check_act(user, code, row.senders)
        return await _act(wired, user, code, row, body, key, "/api/cases")

    handler: Callable[..., Awaitable[JSONResponse]] = record_request if row.opens else record
    # Set here, not in the signatures: they name this row's body and check, which FastAPI reads from here.
    handler.__annotations__["body"] = BODIES[row.name]
    if not row.opens:
        handler.__annotations__["state"] = Annotated[str, Depends(actionable)]
    # The name makes the route's name and operationId, as a handler written out by hand would.
    handler.__name__ = handler.__qualname__ = "open_case" if row.opens else row.name
    summary = row.help.rstrip(".")
    if row.opens:
        router.post("/cases", status_code=201, response_model=CaseDetail, summary=summary)(handler)
    else:
        router.post(f"/cases/{{state}}/{row.name}", response_model=CaseDetail, summary=summary)(handler)


for _row in COMMANDS:
    _route(_row)
