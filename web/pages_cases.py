"""The officer's pages: the worklist, the cases, a case with its timeline and a form for every step."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from activities.treaties import Treaties
from activities.users import UserRecord
from domain.errors import DomainError
from domain.groups import RegionalGroup
from domain.regions import Region, region_of
from domain.user import Role
from domain.values import Door, Instrument
from projections.casebook import STAGES, CaseFilter, open_steps, select
from usecases.inputs import BadOption
from web.access import PageUser, Wired, case_code, check_act, check_read, check_role
from web.api_models import Stage, summary
from web.errors import ApiError, sentence
from web.forms import command_of_form, form_of, forms_for, text
from web.pages_temporal import may_watch
from web.services import Services
from web.views import BlankIsNone, check_csrf, flash, redirect, render
from workflows.client import CommandRefused, ServerUnavailable
from workflows.commands import BY_NAME, COMMANDS, Row

router = APIRouter(include_in_schema=False)
EXPECTED = (ValidationError, CommandRefused, ServerUnavailable, DomainError, BadOption)


def _openable(user: UserRecord, wired: Services, engaged: set[str]) -> list[tuple[str, str]]:
    """The States this officer may open an engagement for: theirs, without one yet."""
    if user.role is not Role.OFFICER:
        return []
    return [
        (p.code, p.name)
        for p in wired.participants.all()
        if p.kind == "state" and p.code not in engaged and user.covers(p.code)
    ]


@router.get("/worklist")
def worklist(request: Request, user: PageUser, wired: Wired) -> HTMLResponse:
    everything = wired.book.cases()
    cases = [c for c in everything if user.role is not Role.OFFICER or user.covers(c.state)]
    now = wired.now()
    steps = sorted(
        (s for c in cases for s in open_steps(c, wired.due_days, now)),
        key=lambda s: (not s.overdue, s.due_at, s.state),
    )
    return render(
        request,
        "worklist.html",
        user,
        steps=steps,
        overdue=[s for s in steps if s.overdue],
        openable=_openable(user, wired, {c.state for c in everything}),
        opening=form_of(next(r for r in COMMANDS if r.opens)),
        today=wired.today(),
    )


@router.get("/cases")
def cases_page(
    request: Request,
    user: PageUser,
    wired: Wired,
    region: Annotated[Region | None, BlankIsNone, Query()] = None,
    group: Annotated[RegionalGroup | None, BlankIsNone, Query()] = None,
    instrument: Annotated[Instrument | None, BlankIsNone, Query()] = None,
    stage: Annotated[Stage | None, BlankIsNone, Query()] = None,
    overdue: Annotated[bool | None, BlankIsNone, Query()] = None,
) -> HTMLResponse:
    wanted = CaseFilter(region=region, group=group, instrument=instrument, stage=stage, overdue=overdue)
    visible = [c for c in wired.book.cases() if user.role is not Role.OFFICER or user.covers(c.state)]
    chosen = select(visible, wanted, wired.due_days, wired.now())
    return render(
        request,
        "cases.html",
        user,
        cases=[summary(c, wired) for c in chosen],
        wanted=wanted,
        regions=list(Region),
        groups=list(RegionalGroup),
        instruments=list(Instrument),
        stages=STAGES,
    )


@router.get("/cases/{state}")
def case_page(request: Request, state: str, user: PageUser, wired: Wired) -> HTMLResponse:
    code = case_code(wired, state)
    check_read(user, code)
    case = wired.book.case(code)
    if case is None:
        raise ApiError(404, f"{code} has no engagement.")
    try:
        check_act(user, code)
        can_act = case.status.value == "open"
    except ApiError:
        can_act = False
    treaties = Treaties(wired.settings.store_env("Treaties"), participants=wired.participants)
    return render(
        request,
        "case.html",
        user,
        case=case,
        region=(r.value if (r := region_of(code)) else None),
        steps=open_steps(case, wired.due_days, wired.now()),
        history=wired.engagements.history(code),
        statements=treaties.statements_of(code),
        can_act=can_act,
        forms=forms_for(case),
        workflow_url=wired.workflow_link(code) if may_watch(wired, user) else None,
        today=wired.today(),
    )


async def _record(request: Request, wired: Services, user: UserRecord, row: Row, state: str) -> str:
    """Record one form's command; the sentence that says what happened (or why not) is flashed."""
    form = await request.form()
    check_csrf(request, form)
    try:
        if row.opens:
            named = text(form, "state") or ""
            state = (await run_in_threadpool(wired.participant, named)).code
        check_act(user, state, row.senders)
        command = command_of_form(row, form, state=state, actor=user.name, today=wired.today())
        case = await wired.send(command, Door.WEB)
    except ValidationError as error:
        flash(request, sentence(error.errors()), error=True)
        return state
    except EXPECTED as error:
        flash(request, str(error), error=True)
        return state
    done = row.name.replace("_", " ").capitalize()
    ended = f"nothing, the case is {case.status.value}"
    following = case.stage.value.replace("_", " ") if case.stage else ended
    flash(request, f"{done} recorded for {case.state_name}. Next: {following}.")
    return case.state


@router.post("/cases")
async def open_case(request: Request, user: PageUser, wired: Wired) -> RedirectResponse:
    row = next(r for r in COMMANDS if r.opens)
    check_role(user, row.senders)
    code = await _record(request, wired, user, row, "")
    return redirect(f"/cases/{code}" if code else "/worklist#open")


@router.post("/cases/{state}/{kind}")
async def record_step(
    request: Request, state: str, kind: str, user: PageUser, wired: Wired
) -> RedirectResponse:
    row = BY_NAME.get(kind)
    if row is None or row.opens:
        raise ApiError(404, f"'{kind}' is not a step of a case.")
    code = case_code(wired, state)
    check_act(user, code, row.senders)
    await _record(request, wired, user, row, code)
    return redirect(f"/cases/{code}#step-{kind}")
