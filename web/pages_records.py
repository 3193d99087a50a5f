"""The manager's and auditor's pages: dashboard, the report, figure lineage, seminars, users, audit."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from activities.outreach import Outreach
from activities.users import UserRecord
from domain.engagement import engagement_id
from domain.errors import DomainError
from domain.groups import RegionalGroup
from domain.regions import Region
from domain.user import Role
from domain.values import Door
from projections.casebook import open_steps
from projections.figures import UnknownFigure, explain, group_key
from projections.report import html
from web.access import PageUser, Wired, case_code, page_roles
from web.errors import ApiError, sentence
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
REPORT_BAR = (
    '<nav class="palermo-bar" style="font-family:sans-serif;font-size:.9em;background:#eef3f7;'
    'padding:.5em 1em;margin:-1em -1em 1em"><a href="/">Palermo</a> · <a href="/dashboard">Dashboard</a> · '
    '<form method="get" action="/report" style="display:inline"><label>Report as of '
    '<input type="date" name="as_of" value="{as_of}" required></label> <button>Show</button></form> · '
    '<a href="/report?as_of={report_date}">as of the report of 4 March 2002</a></nav>'
)


@router.get("/dashboard")
def dashboard(
    request: Request, user: Reader, wired: Wired, as_of: AsOf = None, known_at: KnownAt = None
) -> HTMLResponse:
    day = as_of or wired.today()
    reading = read(wired.settings, wired.logs, day, known_at)
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
        groups={group_key(g): g.value for g in RegionalGroup},
    )


@router.get("/report")
def report_page(_user: PageUser, wired: Wired, as_of: AsOf = None, known_at: KnownAt = None) -> HTMLResponse:
    """The report as `palermo report render` writes it, with a bar to change its date."""
    reading = read(wired.settings, wired.logs, as_of or wired.today(), known_at)
    bar = REPORT_BAR.format(as_of=reading.result.as_of.isoformat(), report_date=REPORT_DATE.isoformat())
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


@router.get("/seminars")
def seminars_page(request: Request, user: PageUser, wired: Wired) -> HTMLResponse:
    meetings = Outreach(wired.settings.store_env("Outreach"), participants=wired.participants).meetings()
    return render(request, "seminars.html", user, meetings=list(reversed(meetings)))


@router.get("/users")
def users_page(request: Request, user: Reader, wired: Wired) -> HTMLResponse:
    everyone = wired.users.users()
    return render(request, "users.html", user, users=everyone, regions=list(Region), roles=list(Role))


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
    code = case_code(wired, state)
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
