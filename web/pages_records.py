"""The manager's and auditor's pages: dashboard, the report, figure lineage, seminars, users, audit."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from activities.users import UserRecord
from domain.engagement import engagement_id
from domain.errors import DomainError
from domain.user import Role
from domain.values import Door
from projections.figures import UnknownFigure, explain
from projections.report import html
from web.access import PageUser, Wired, case_code, page_roles
from web.at_hand import answered
from web.dashboard import REPORT_DATE, dashboard_at_hand, dashboard_body
from web.errors import ApiError, sentence
from web.listings import AUDITED
from web.lists import asked_file
from web.outlook import report_outlook
from web.pages_manage import seminars_context, users_context
from web.pages_temporal import may_watch
from web.report_files import download, query, report_bar
from web.reports import (
    InRange,
    Reading,
    WrittenOut,
    aware,
    figure_link,
    read,
    reviewed_year,
)
from web.views import BlankIsNone, check_csrf, flash, redirect, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[UserRecord, Depends(page_roles(Role.MANAGER, Role.AUDITOR))]
Manager = Annotated[UserRecord, Depends(page_roles(Role.MANAGER))]
Auditor = Annotated[UserRecord, Depends(page_roles(Role.AUDITOR))]
AsOf = Annotated[date | None, WrittenOut, BlankIsNone, InRange, Query()]
KnownAt = Annotated[datetime | None, WrittenOut, BlankIsNone, InRange, Query()]
IncludeDemo = Annotated[bool, Query()]
Year = Annotated[int | None, BlankIsNone, Query()]


@router.get("/dashboard")
async def dashboard(
    request: Request,
    user: Reader,
    wired: Wired,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    include_demo: IncludeDemo = False,
    year: Year = None,
) -> HTMLResponse:
    day = as_of or wired.today()
    body = await answered(
        lambda: dashboard_at_hand(wired, day, known_at, year, include_demo),
        lambda: dashboard_body(wired, day, known_at, year, include_demo),
    )
    return render(request, "dashboard.html", user, body=body)


@dataclass(frozen=True)
class AskedReport:
    """The report as a page's query asks for it (a day, a moment known at, a reviewed year, demo data or
    not), read."""

    day: date
    moment: datetime | None
    reviewed: int
    include_demo: bool
    reading: Reading


def asked_report(
    _user: PageUser,
    wired: Wired,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    year: Year = None,
    include_demo: IncludeDemo = False,
) -> AskedReport:
    """The report a signed-in user asks for, read with the outlook it shows: what `/report` and its downloads
    both serve."""
    day, moment = as_of or wired.today(), aware(known_at)
    reviewed = reviewed_year(day, year)
    reading = read(
        wired.settings,
        wired.read_model,
        wired.outreach,
        day,
        moment,
        report_outlook(wired, day, moment),
        year=reviewed,
        include_demo=include_demo,
    )
    return AskedReport(day, moment, reviewed, include_demo, reading)


Asked = Annotated[AskedReport, Depends(asked_report)]


@router.get("/report")
def report_page(asked: Asked) -> HTMLResponse:
    """The report as `palermo report render` writes it, with a bar to change what it is asked for and to
    download it in every format."""
    day, moment, reviewed, include_demo = asked.day, asked.moment, asked.reviewed, asked.include_demo
    bar = report_bar(day, moment, reviewed, include_demo, REPORT_DATE)
    sources = f"/report/download/sources.html?{query(day, moment, reviewed, include_demo)}"
    page = html.render(
        asked.reading.document,
        link=lambda figure: figure_link(figure, day, moment, include_demo),
        sources=sources,
    )
    return HTMLResponse(page.replace("<body>", f"<body>\n{bar}", 1))


@router.get("/report/download/{name}")
def report_download(name: str, asked: Asked, wired: Wired) -> Response:
    """One file of the report, as `palermo report render` writes it: PDF, Word, HTML, Markdown, the sources,
    the tables as Excel or as zipped CSV."""
    data, media, file = download(asked.reading.document, name, wired.settings.chromium)
    # A page opens in the browser (the report's link to its sources); the bar's links download either way.
    shown = "inline" if media.startswith("text/html") else "attachment"
    return Response(data, media_type=media, headers={"Content-Disposition": f'{shown}; filename="{file}"'})


@router.get("/report/figures/{figure}")
def lineage_page(
    request: Request,
    figure: str,
    user: PageUser,
    wired: Wired,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    include_demo: IncludeDemo = False,
) -> HTMLResponse:
    day = as_of or wired.today()
    try:
        store = wired.read_model.caught_up()
        rows = explain(store, figure, day, aware(known_at), include_demo=include_demo)
    except UnknownFigure as error:
        raise ApiError(404, str(error)) from None
    engaged = {c.state for c in wired.book.cases()}
    return render(
        request, "lineage.html", user, figure=figure, as_of=day, known_at=known_at, rows=rows, engaged=engaged
    )


@router.get("/seminars", response_model=None)
def seminars_page(request: Request, user: PageUser, wired: Wired) -> HTMLResponse | Response:
    context = seminars_context(request, wired)
    return asked_file(context["meetings"]) or render(request, "seminars.html", user, **context)


@router.get("/users", response_model=None)
def users_page(request: Request, user: Reader, wired: Wired) -> HTMLResponse | Response:
    context = users_context(request, wired)
    return asked_file(context["users"]) or render(request, "users.html", user, **context)


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


@router.get("/audit", response_model=None)
def audit_index(request: Request, user: Auditor, wired: Wired) -> HTMLResponse | Response:
    cases = AUDITED.shown(request, wired.book.cases())
    return asked_file(cases) or render(request, "audit.html", user, cases=cases)


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
