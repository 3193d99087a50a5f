"""The officer's pages: the worklist, the cases, a case with its timeline and a form for every step."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from activities.users import UserRecord
from domain.attachments import Attachment, DocumentTooLarge
from domain.errors import DomainError
from domain.groups import RegionalGroup
from domain.regions import Region, region_of
from domain.user import Role
from domain.values import Door, Instrument, Status, Step
from projections.casebook import CaseFilter, open_steps, select
from usecases.documents import store_upload
from usecases.inputs import BadOption
from web.access import PageUser, Wired, case_code, check_act, check_read, check_role, forbidden
from web.api_models import Stage, summary
from web.at_hand import answered, ready
from web.case_list import cases_at_hand, cases_body
from web.errors import ApiError, status_of_refusal
from web.form_errors import kept_of, plain
from web.forms import command_of_form, form_of, forms_for, text, uploads_of
from web.listings import CASES, STEPS, CaseRow
from web.lists import asked_file
from web.pages_assign import held_states, holders, officers
from web.pages_temporal import may_watch
from web.services import Services
from web.views import BlankIsNone, check_csrf, error_page, flash, redirect, render
from workflows.client import CommandRefused, ServerUnavailable
from workflows.commands import BY_NAME, COMMANDS, Row, refusal

router = APIRouter(include_in_schema=False)
EXPECTED = (ValidationError, CommandRefused, ServerUnavailable, DomainError, BadOption)


def _openable(user: UserRecord, wired: Services, engaged: set[str]) -> list[tuple[str, str]]:
    """The States this officer may open an engagement for: theirs, with none open (a closed one's State may
    ask again: its request opens the next round)."""
    if user.role is not Role.OFFICER:
        return []
    return [
        (p.code, p.name)
        for p in wired.participants.all()
        if p.kind == "state" and p.code not in engaged and user.covers(p.code)
    ]


Show = Literal["all", "mine", "team", "unassigned"]


def _shown(user: UserRecord, state: str, show: Show, held: set[str]) -> bool:
    """Whether the worklist's choice shows the State's case: mine (its State named in my scope), my team's
    (one of my regions, not named), unassigned (named in no officer's scope), or all."""
    if show == "mine":
        return state in user.scope.states
    if show == "team":
        return state not in user.scope.states and user.covers(state)
    if show == "unassigned":
        return state not in held
    return True


def _worklist(request: Request, user: UserRecord, wired: Services, show: Show = "all") -> dict[str, Any]:
    everything = wired.book.cases()
    held = held_states(wired)
    cases = [
        c
        for c in everything
        if (user.role is not Role.OFFICER or user.covers(c.state)) and _shown(user, c.state, show, held)
    ]
    now = wired.now()
    steps = STEPS.shown(request, (s for c in cases for s in open_steps(c, wired.due_days, now)))
    return {
        "steps": steps,
        "overdue": [s for s in steps.found if s.overdue],
        # A State whose round is open is not offered; one whose round closed may ask again (a new round).
        "openable": _openable(user, wired, {c.state for c in everything if c.status is Status.OPEN}),
        "opening": form_of(next(r for r in COMMANDS if r.opens)),
        "today": wired.today(),
        "show": show,
    }


@router.get("/worklist", response_model=None)
def worklist(
    request: Request, user: PageUser, wired: Wired, show: Annotated[Show, Query()] = "all"
) -> HTMLResponse | Response:
    context = _worklist(request, user, wired, show)
    return asked_file(context["steps"]) or render(request, "worklist.html", user, **context)


@router.get("/cases", response_model=None)
async def cases_page(
    request: Request,
    user: PageUser,
    wired: Wired,
    region: Annotated[Region | None, BlankIsNone, Query()] = None,
    group: Annotated[RegionalGroup | None, BlankIsNone, Query()] = None,
    instrument: Annotated[Instrument | None, BlankIsNone, Query()] = None,
    stage: Annotated[Stage | None, BlankIsNone, Query()] = None,
    overdue: Annotated[bool | None, BlankIsNone, Query()] = None,
) -> HTMLResponse | Response:
    wanted = CaseFilter(region=region, group=group, instrument=instrument, stage=stage, overdue=overdue)
    if request.query_params.get(CASES.param("download")):
        # A file of the whole list: made anew each time, on a thread.
        made = await run_in_threadpool(_cases_file, request, user, wired, wanted)
        if made is not None:
            return made
    body = await answered(
        lambda: cases_at_hand(request, user, wired), lambda: cases_body(request, user, wired, wanted)
    )
    return render(request, "cases.html", user, body=body)


def _cases_file(request: Request, user: UserRecord, wired: Services, wanted: CaseFilter) -> Response | None:
    """The list as a file, when one is asked for: made anew each time, never kept."""
    if not request.query_params.get(CASES.param("download")):
        return None
    visible = [c for c in wired.book.cases() if user.role is not Role.OFFICER or user.covers(c.state)]
    found = select(visible, wanted, wired.due_days, wired.now())
    return asked_file(CASES.shown(request, (CaseRow(c, lambda case: summary(case, wired)) for c in found)))


def _case(user: UserRecord, wired: Services, code: str) -> dict[str, Any]:
    check_read(user, code)
    case = wired.book.case(code)
    if case is None:
        raise ApiError(404, f"{code} has no engagement.")
    # An officer of the State sees every form; a manager, those of the commands a manager may send (an
    # assistance activity recorded unfunded).
    forms = [f for f in forms_for(case) if _may_send(user, code, BY_NAME[f.name])]
    can_act = case.status.value == "open" and bool(forms)
    shown = wired.histories.of(case)
    return {
        "case": case,
        "region": (r.value if (r := region_of(code)) else None),
        "steps": open_steps(case, wired.due_days, wired.now()),
        "history": shown.history,
        "timeline": shown.timeline,
        "statements": wired.statements.statements_of(code),
        "can_act": can_act,
        "forms": forms,
        "workflow_url": wired.workflow_link(code) if may_watch(wired, user) else None,
        "today": wired.today(),
        "all_steps": [step.value for step in Step],
        "holders": holders(wired, code),
        "officers": officers(wired) if user.role is Role.MANAGER else [],
    }


def _may_send(user: UserRecord, state: str, row: Row) -> bool:
    try:
        check_act(user, state, row.admits)
    except ApiError:
        return False
    return True


@router.get("/cases/{state}")
async def case_page(request: Request, state: str, user: PageUser, wired: Wired) -> HTMLResponse:
    # On the event loop once the books it reads are caught up: then it reads one case's history at most.
    await ready(wired.book, wired.statements)
    return render(request, "case.html", user, **_case(user, wired, case_code(wired, state)))


def _stored(wired: Services, uploads: list[UploadFile]) -> tuple[Attachment, ...]:
    return tuple(store_upload(wired.documents, f.file, f.filename, f.content_type) for f in uploads)


def _status(error: Exception) -> int:
    if isinstance(error, CommandRefused):
        return status_of_refusal(error)
    if isinstance(error, DocumentTooLarge):
        return 413
    if isinstance(error, ServerUnavailable):
        return 503
    return 422


async def _record(
    request: Request, wired: Services, user: UserRecord, row: Row, state: str
) -> RedirectResponse | HTMLResponse:
    """Record one form's command and go to its case, saying what happened; refused, the page it came from
    again, with the refusal in plain sentences and every field as it was typed."""
    form = await request.form()
    check_csrf(request, form)
    try:
        if row.opens:
            named = text(form, "state") or ""
            if not named:
                raise BadOption("State: choose the State whose request arrived.")
            state = (await run_in_threadpool(wired.participant, named)).code
        check_act(user, state, row.admits)
        # The files are stored before the command that names them by their hashes is sent.
        documents = await run_in_threadpool(_stored, wired, uploads_of(form))
        command = command_of_form(
            row, form, state=state, actor=user.name, today=wired.today(), documents=documents
        )
        refused = refusal(row, command, user.role)
        if refused is not None:
            raise forbidden(refused)
        case = await wired.send(command, Door.WEB)
    except EXPECTED as error:
        said = plain(error, row) if isinstance(error, ValidationError) else str(error)
        kept = kept_of(row.name, form)
        flashed = {"text": said, "error": True}
        if row.opens:
            context = _worklist(request, user, wired)
            return render(request, "worklist.html", user, _status(error), flash=flashed, kept=kept, **context)
        if wired.book.case(state) is None:
            return error_page(request, _status(error), said)
        context = _case(user, wired, state)
        return render(request, "case.html", user, _status(error), flash=flashed, kept=kept, **context)
    done = row.name.replace("_", " ").capitalize()
    ended = f"nothing, the case is {case.status.value}"
    following = case.stage.value.replace("_", " ") if case.stage else ended
    flash(request, f"{done} recorded for {case.state_name}. Next: {following}.")
    return redirect(f"/cases/{case.state}" + ("" if row.opens else f"#step-{row.name}"))


@router.post("/cases", response_model=None)
async def open_case(request: Request, user: PageUser, wired: Wired) -> RedirectResponse | HTMLResponse:
    row = next(r for r in COMMANDS if r.opens)
    check_role(user, row.senders)
    return await _record(request, wired, user, row, "")


@router.post("/cases/{state}/{kind}", response_model=None)
async def record_step(
    request: Request, state: str, kind: str, user: PageUser, wired: Wired
) -> RedirectResponse | HTMLResponse:
    row = BY_NAME.get(kind)
    if row is None or row.opens:
        raise ApiError(404, f"'{kind}' is not a step of a case.")
    code = case_code(wired, state)
    check_act(user, code, row.admits)
    return await _record(request, wired, user, row, code)
