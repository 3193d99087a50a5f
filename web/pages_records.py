"""The manager's and auditor's pages: dashboard, the report, figure lineage, seminars, users, audit."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from activities.users import UserRecord
from domain.engagement import engagement_id
from domain.errors import DomainError
from domain.outreach import MeetingDetails
from domain.user import Role
from domain.values import Door
from projections.casebook import open_steps
from projections.figures import UnknownFigure, explain
from projections.report import html
from web import lists
from web.access import PageUser, Wired, page_roles, state_code
from web.errors import ApiError, sentence
from web.lists import Download
from web.pages_manage import seminars_context, users_context
from web.pages_temporal import may_watch
from web.reports import InRange, WrittenOut, aware, current_store, dashboard_charts, read
from web.views import BlankIsNone, check_csrf, flash, redirect, render, svg

router = APIRouter(include_in_schema=False)
Reader = Annotated[UserRecord, Depends(page_roles(Role.MANAGER, Role.AUDITOR))]
Manager = Annotated[UserRecord, Depends(page_roles(Role.MANAGER))]
Auditor = Annotated[UserRecord, Depends(page_roles(Role.AUDITOR))]
AsOf = Annotated[date | None, WrittenOut, BlankIsNone, InRange, Query()]
KnownAt = Annotated[datetime | None, WrittenOut, BlankIsNone, InRange, Query()]
REPORT_DATE = date(2002, 3, 4)
# Put above the report document, which is a whole page of its own, as `palermo report render` writes it.
REPORT_YEAR = 2001  # the year the report of 4 March 2002 reviews
REPORT_BAR = (
    '<nav class="palermo-bar" aria-label="Report" style="font-family:sans-serif;font-size:.9em;'
    'background:#eef3f7;padding:.5em 1em;margin:-1em -1em 1em"><a href="/">Palermo</a> · '
    '<a href="/dashboard?as_of={as_of}&amp;year={year}">Dashboard</a> · '
    '<form method="get" action="/report" style="display:inline" id="report-date"><label>Report as of '
    '<input type="date" name="as_of" value="{as_of}" required></label> <label>reviewing the year '
    '<input type="number" name="year" value="{year_given}" placeholder="{year}" min="1990" max="2999" '
    'style="width:5em"></label> '
    "<button>Show</button></form> · "
    '<a href="/report?as_of={report_date}&amp;year={report_year}">as of the report of 4 March 2002</a></nav>'
)
Year = Annotated[int | None, BlankIsNone, Query(description="The year whose meetings are counted")]


@router.get("/dashboard")
def dashboard(
    request: Request,
    user: Reader,
    wired: Wired,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    year: Year = None,
) -> HTMLResponse:
    day = as_of or wired.today()
    reading = read(wired.settings, wired.logs, day, known_at, year)
    now = wired.now()
    late = sorted(
        (s for c in wired.book.cases() for s in open_steps(c, wired.due_days, now) if s.overdue),
        key=lambda s: s.due_at,
    )
    return render(
        request,
        "dashboard.html",
        user,
        as_of=day,
        known_at=known_at,
        result=reading.result,
        charts={name: svg(text) for name, text in dashboard_charts(reading, known_at).items()},
        overdue=late,
        report_date=REPORT_DATE,
        report_year=REPORT_YEAR,
        year=reading.result.year,
        year_given=year,
    )


@router.get("/report")
def report_page(
    _user: PageUser, wired: Wired, as_of: AsOf = None, known_at: KnownAt = None, year: Year = None
) -> HTMLResponse:
    """The report as `palermo report render` writes it, with a bar to change its date and year."""
    reading = read(wired.settings, wired.logs, as_of or wired.today(), known_at, year)
    bar = REPORT_BAR.format(
        as_of=reading.result.as_of.isoformat(),
        year=reading.result.year,
        year_given="" if year is None else year,
        report_date=REPORT_DATE.isoformat(),
        report_year=REPORT_YEAR,
    )
    return HTMLResponse(html.render(reading.document).replace("<body>", f"<body>\n{bar}", 1))


@router.get("/report/figures/{figure}")
def lineage_page(
    request: Request, figure: str, user: PageUser, wired: Wired, as_of: AsOf = None, known_at: KnownAt = None
) -> HTMLResponse:
    day = as_of or wired.today()
    try:
        with current_store(wired.settings, wired.logs) as store:
            rows = explain(store, figure, day, aware(known_at))
    except UnknownFigure as error:
        raise ApiError(404, str(error)) from None
    engaged = {c.state for c in wired.book.cases()}
    return render(
        request, "lineage.html", user, figure=figure, as_of=day, known_at=known_at, rows=rows, engaged=engaged
    )


Downloaded = Annotated[Download | None, BlankIsNone, Query()]


def _meeting_row(d: MeetingDetails) -> tuple[object, ...]:
    states, organizers = " ".join(d.participants), "; ".join(d.organizers)
    return (d.start, d.end, d.kind.value, d.place, d.title, states, organizers, d.outcome)


def _user_row(u: UserRecord) -> tuple[object, ...]:
    states, regions, tokens = " ".join(u.scope.states), "; ".join(u.scope.regions), " ".join(u.token_ids)
    return (u.name, u.role.value, states, regions, tokens, u.changed_at)


@router.get("/seminars", response_model=None)
def seminars_page(
    request: Request, user: PageUser, wired: Wired, download: Downloaded = None
) -> HTMLResponse | Response:
    context = seminars_context(wired)
    if download is not None:
        header = ("First day", "Last day", "Kind", "Place", "Title", "States", "Organizers", "Outcome")
        rows = [_meeting_row(m.details) for m in context["meetings"]]
        return lists.download("seminars", header, rows, download)
    return render(request, "seminars.html", user, **context)


@router.get("/users", response_model=None)
def users_page(
    request: Request, user: Reader, wired: Wired, download: Downloaded = None
) -> HTMLResponse | Response:
    context = users_context(wired)
    if download is not None:
        header = ("Name", "Role", "States", "Regions", "Token ids", "Changed")
        rows = [_user_row(u) for u in context["users"]]
        return lists.download("users", header, rows, download)
    return render(request, "users.html", user, **context)


@router.post("/users/{name}/scope")
async def reassign(request: Request, name: str, user: Manager, wired: Wired) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form)
    states = [s.strip() for s in str(form.get("states", "")).replace(",", " ").split() if s.strip()]
    regions = [str(r) for r in form.getlist("regions")]
    role = Role(str(form.get("role"))) if form.get("role") in {r.value for r in Role} else None
    try:
        record = wired.users.assign(
            name, wired.users.scope(states, regions), role=role, actor=user.name, door=Door.WEB
        )
    except ValidationError as error:
        flash(request, sentence(error.errors()), error=True)
    except DomainError as error:
        flash(request, str(error), error=True)
    else:
        acts_on = ", ".join((*record.scope.states, *record.scope.regions)) or "everything (read)"
        flash(request, f"{record.name} is {record.role.with_article}: {acts_on}.")
    return redirect("/users")


@router.get("/audit")
def audit_index(request: Request, user: Auditor, wired: Wired) -> HTMLResponse:
    return render(request, "audit.html", user, cases=wired.book.cases())


@router.get("/audit/cases/{state}")
def audit_case(request: Request, state: str, user: Auditor, wired: Wired) -> HTMLResponse:
    code = state_code(wired, state)
    stored = wired.engagements.recorder.select_events(engagement_id(code))
    if not stored:
        raise ApiError(404, f"{code} has no engagement.")
    events = [
        {
            "version": e.originator_version,
            "topic": e.topic,
            "sha256": hashlib.sha256(e.state).hexdigest(),
            "fields": json.dumps(json.loads(e.state), indent=2, ensure_ascii=False),
        }
        for e in stored
    ]
    return render(
        request,
        "audit_case.html",
        user,
        state=code,
        case=wired.book.case(code),
        events=events,
        history=wired.engagements.history(code),
        workflow_url=wired.workflow_link(code) if may_watch(wired, user) else None,
    )
