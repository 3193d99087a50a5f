"""The API beyond cases: report figures and their lineage, treaty tables, seminars, users."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from activities.outreach import MeetingRecord
from activities.treaties import ImportSummary, RecordedAction
from activities.untc import TableRefused
from activities.untc_stream import TableNotText, TableTooLarge, read_stream
from activities.users import UserRecord
from domain.outreach import MeetingDetails
from domain.reservations import RecordedStatement
from domain.user import Role
from domain.values import Door, Instrument, ShortText
from projections.figures import Figures, UnknownFigure, explain, figure_value
from projections.store import StoredFact
from web.access import ApiUser, Wired, api_roles, check_read, forbidden, state_code
from web.api_models import REFUSALS
from web.at_hand import answered
from web.errors import ApiError
from web.reports import InRange, WrittenOut, aware, figures_json, figures_json_at_hand, reviewed_year
from web.services import Services

router = APIRouter(prefix="/api", responses=REFUSALS)
Manager = Annotated[UserRecord, Depends(api_roles(Role.MANAGER))]
Reader = Annotated[UserRecord, Depends(api_roles(Role.MANAGER, Role.AUDITOR))]
Recorder = Annotated[UserRecord, Depends(api_roles(Role.MANAGER, Role.OFFICER))]
ReportDay = Annotated[date | None, WrittenOut, InRange]
ReportMoment = Annotated[datetime | None, WrittenOut, InRange]
ReportYear = Annotated[int | None, Query(description="The year whose meetings are counted; default as_of's")]
IncludeDemo = Annotated[
    bool, Query(description="Count demo data too (made up to show the engine); left out by default")
]
CSV_BODY = {"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}}


class Lineage(BaseModel):
    """A figure, its value as of a date, and the events (fact rows) it counts."""

    model_config = ConfigDict(frozen=True)

    figure: str
    as_of: date
    known_at: datetime | None
    value: int
    events: list[StoredFact]


class MeetingBody(MeetingDetails):
    """A meeting held, with the source the record comes from."""

    source: ShortText | None = None


class Assignment(BaseModel):
    """A user's new scope (replacing the old one) and, optionally, role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    states: tuple[ShortText, ...] = ()
    regions: tuple[ShortText, ...] = ()
    role: Role | None = None


@router.get("/me", tags=["users"], summary="Who the token belongs to")
def me(user: ApiUser) -> UserRecord:
    return user


@dataclass(frozen=True)
class FiguresAsked:
    """What a request asks the figures for: a day, a moment known at, a reviewed year, demo data or not."""

    day: date
    moment: datetime | None
    reviewed: int
    include_demo: bool


async def figures_asked(
    _user: ApiUser,
    wired: Wired,
    as_of: ReportDay = None,
    known_at: ReportMoment = None,
    year: ReportYear = None,
    include_demo: IncludeDemo = False,
) -> FiguresAsked:
    day = as_of or wired.today()
    return FiguresAsked(day, aware(known_at), reviewed_year(day, year), include_demo)


Asked = Annotated[FiguresAsked, Depends(figures_asked)]


@router.get(
    "/report/figures",
    tags=["report"],
    summary="Every figure of the report as of a date",
    response_model=Figures,
)
async def report_figures(asked: Asked, wired: Wired) -> Response:
    question = (wired.read_model, asked.day, asked.moment, asked.reviewed, asked.include_demo)
    body = await answered(lambda: figures_json_at_hand(*question), lambda: figures_json(*question))
    return Response(body, media_type="application/json")


@router.get("/report/figures/{figure}", tags=["report"], summary="The events behind one figure")
def report_lineage(figure: str, asked: Asked, wired: Wired) -> Lineage:
    try:
        store = wired.read_model.caught_up()
        rows = explain(store, figure, asked.day, asked.moment, asked.reviewed, asked.include_demo)
    except UnknownFigure as error:
        raise ApiError(404, str(error)) from None
    count = figure_value(figure, rows)
    return Lineage(figure=figure, as_of=asked.day, known_at=asked.moment, value=count, events=rows)


@router.get("/treaties/{participant}", tags=["treaties"], summary="A participant's signatures and consents")
def treaty_actions(participant: str, _user: ApiUser, wired: Wired) -> list[RecordedAction]:
    code = state_code(wired, participant)
    treaties = wired.treaties
    return treaties.actions_of(code, wired.today())


@router.get(
    "/treaties/{participant}/statements",
    tags=["treaties"],
    summary="A participant's reservations, declarations and objections",
)
def treaty_statements(participant: str, _user: ApiUser, wired: Wired) -> list[RecordedStatement]:
    code = state_code(wired, participant)
    return wired.statements.statements_of(code)


@router.post(
    "/treaties/{instrument}/import",
    tags=["treaties"],
    summary="Import a UN Treaty Collection status table (CSV) for one instrument (managers)",
    openapi_extra=CSV_BODY,
)
async def import_treaty_table(
    instrument: Instrument, request: Request, user: Manager, wired: Wired, source: str | None = None
) -> ImportSummary:
    limit = wired.settings.treaty_max_bytes

    def record(body: bytes) -> ImportSummary:
        rows = read_stream(io.BytesIO(body), wired.participants, max_bytes=limit)
        store = wired.treaties
        reference = source or f"UN Treaty Collection status table ({instrument.value}), imported by API"
        return store.import_table(rows, instrument, actor=user.name, source=reference, door=Door.API)

    try:
        body = await _table_body(request, limit)
        return await run_in_threadpool(record, body)
    except TableRefused as refusal:
        more = f" (and {len(refusal.problems) - 1} more)" if len(refusal.problems) > 1 else ""
        first = refusal.problems[0]
        sentence = f"The table was refused and nothing recorded: {first}{more}."
        raise ApiError(_status(refusal), sentence) from None


def _status(refusal: TableRefused) -> int:
    if isinstance(refusal, TableTooLarge):
        return 413
    return 400 if isinstance(refusal, TableNotText) else 422


async def _table_body(request: Request, limit: int) -> bytes:
    """The body, read only as far as a treaty table may go: the body limit of every route may be larger."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TableTooLarge("the table", limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TableTooLarge("the table", limit)
    return bytes(body)


@router.get("/seminars", tags=["seminars"], summary="Seminars, meetings and briefings, by first day")
def seminars(
    _user: ApiUser, wired: Wired, year: Annotated[int | None, Query(ge=1900, le=2999)] = None
) -> list[MeetingRecord]:
    outreach = wired.outreach_store
    return [m for m in outreach.meetings() if year is None or m.details.start.year == year]


def _details(body: MeetingBody, user: UserRecord, wired: Services) -> MeetingDetails:
    """The meeting's details; an officer's name only States of theirs."""
    codes = [wired.participant(p).code for p in body.participants]
    for code in codes:
        check_read(user, code)
    return MeetingDetails.model_validate(body.model_dump(exclude={"source"}) | {"participants": codes})


def may_change(user: UserRecord) -> Callable[[MeetingRecord], None]:
    """Managers change any meeting; an officer, one they recorded or whose participants are all theirs."""

    def check(meeting: MeetingRecord) -> None:
        if user.role is Role.MANAGER or meeting.recorded_by == user.name:
            return
        where = f"{meeting.details.place} on {meeting.details.start}"
        outside = [code for code in meeting.details.participants if not user.covers(code)]
        if not meeting.details.participants or outside:
            whose = f"includes {', '.join(outside)}" if outside else "names no participating State"
            raise forbidden(
                f"The meeting at {where} was recorded by {meeting.recorded_by} and {whose}, outside the "
                f"States and regions assigned to {user.name}: only they or a manager may change it."
            )

    return check


@router.post("/seminars", tags=["seminars"], summary="Record a seminar or meeting held (or correct it)")
def record_seminar(body: Annotated[MeetingBody, Body()], user: Recorder, wired: Wired) -> MeetingRecord:
    """Managers record any meeting; an officer, one whose participating States are all theirs. A meeting
    already held at the place from the first day is corrected, as `PUT /api/seminars/{meeting}` would."""
    details = _details(body, user, wired)
    outreach = wired.outreach_store
    return outreach.record_meeting(
        details, actor=user.name, source=body.source, door=Door.API, may_change=may_change(user)
    )


@router.put("/seminars/{meeting}", tags=["seminars"], summary="Correct a seminar or meeting, by its id")
def correct_seminar(
    meeting: UUID, body: Annotated[MeetingBody, Body()], user: Recorder, wired: Wired
) -> MeetingRecord:
    """The meeting's details from now on (its place and first day too) under the id it keeps. Managers
    correct any meeting; an officer, one they recorded or whose participating States are all theirs."""
    details = _details(body, user, wired)
    outreach = wired.outreach_store
    return outreach.correct_meeting(
        meeting, details, actor=user.name, source=body.source, door=Door.API, may_change=may_change(user)
    )


@router.get("/users", tags=["users"], summary="Users, roles and scopes (managers and auditors)")
def list_users(_user: Reader, wired: Wired) -> list[UserRecord]:
    return wired.users.users()


@router.put("/users/{name}/scope", tags=["users"], summary="Reassign a user (managers)")
def assign(name: str, body: Assignment, user: Manager, wired: Wired) -> UserRecord:
    scope = wired.users.scope(body.states, body.regions)
    return wired.users.assign(name, scope, role=body.role, actor=user.name, door=Door.API)
