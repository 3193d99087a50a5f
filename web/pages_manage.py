"""What managers (and, for their own States' meetings, officers) change in the web app: seminars recorded and
users added, given a new token, an address to be told at, or revoked. Each refusal comes back on the page with
what was typed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from activities.users import UserRecord
from domain.contact import MailPreference, parse_preference
from domain.errors import DomainError
from domain.outreach import MeetingDetails, MeetingKind
from domain.regions import Region
from domain.user import Role
from domain.values import Door
from projections.report.sections import dates
from web.access import Wired, check_read, page_roles
from web.api_records import may_change
from web.errors import ApiError
from web.form_errors import kept_of, plain
from web.forms import listed
from web.listings import SEMINARS, USERS
from web.services import Services
from web.views import check_csrf, flash, redirect, render

router = APIRouter(include_in_schema=False)
Recorder = Annotated[UserRecord, Depends(page_roles(Role.MANAGER, Role.OFFICER))]
Manager = Annotated[UserRecord, Depends(page_roles(Role.MANAGER))]
MEETING_LISTS = ("organizers", "partners", "participants", "observers", "topics")


def _words(form: FormData, name: str) -> list[str]:
    return listed(str(v) for v in form.getlist(name))


def _one(form: FormData, name: str) -> str | None:
    value = str(form.get(name) or "").strip()
    return value or None


def seminars_context(request: Request, wired: Services) -> dict[str, Any]:
    """The meetings, newest first, as the address searches and sorts them, and what the form offers."""
    meetings = SEMINARS.shown(request, reversed(wired.outreach_store.meetings()))
    return {"meetings": meetings, "kinds": list(MeetingKind), "dates": dates}


def users_context(request: Request, wired: Services) -> dict[str, Any]:
    return {
        "users": USERS.shown(request, wired.users.users()),
        "regions": list(Region),
        "roles": list(Role),
        "preferences": list(MailPreference),
    }


def _meeting(form: FormData, user: UserRecord, wired: Services) -> MeetingDetails:
    fields: dict[str, Any] = {name: _words(form, name) for name in MEETING_LISTS}
    fields["participants"] = [wired.participant(p).code for p in fields["participants"]]
    for code in fields["participants"]:
        check_read(user, code)
    for name in ("title", "kind", "place", "start", "outcome"):
        fields[name] = _one(form, name)
    fields["end"] = _one(form, "end") or fields["start"]
    return MeetingDetails.model_validate({k: v for k, v in fields.items() if v is not None})


@router.post("/seminars", response_model=None)
async def record_seminar(request: Request, user: Recorder, wired: Wired) -> RedirectResponse | HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    outreach = wired.outreach_store
    try:
        details = await run_in_threadpool(_meeting, form, user, wired)
        record = await run_in_threadpool(
            lambda: outreach.record_meeting(
                details,
                actor=user.name,
                source=_one(form, "source"),
                door=Door.WEB,
                may_change=may_change(user),
            )
        )
    except (ValidationError, DomainError, ApiError) as error:
        said = plain(error) if isinstance(error, ValidationError) else _said(error)
        status = error.status_code if isinstance(error, ApiError) else 422
        context = seminars_context(request, wired)
        flashed = {"text": said, "error": True}
        return render(
            request, "seminars.html", user, status, flash=flashed, kept=kept_of("seminar", form), **context
        )
    place, start = record.details.place, record.details.start
    flash(request, f"The {record.details.kind.value.replace('_', ' ')} at {place} on {start} is recorded.")
    return redirect("/seminars")


def _said(error: Exception) -> str:
    return str(error.detail) if isinstance(error, ApiError) else str(error)


@router.post("/users", response_model=None)
async def add_user(request: Request, user: Manager, wired: Wired) -> HTMLResponse:
    """A new user; the page shows their token once (it is kept nowhere but as a hash)."""
    form = await request.form()
    check_csrf(request, form)
    role = _one(form, "role") or ""
    try:
        if role not in {r.value for r in Role}:
            raise DomainError(f"Role: choose one of {', '.join(r.value for r in Role)}.")
        states = str(form.get("states") or "").replace(",", " ").split()
        scope = wired.users.scope(states, [str(r) for r in form.getlist("regions")])
        record, token = await run_in_threadpool(
            wired.users.add, _one(form, "name") or "", Role(role), scope, actor=user.name, door=Door.WEB
        )
    except (ValidationError, DomainError) as error:
        said = plain(error) if isinstance(error, ValidationError) else str(error)
        flashed = {"text": said, "error": True}
        context = users_context(request, wired)
        return render(request, "users.html", user, 422, flash=flashed, kept=kept_of("user", form), **context)
    flashed = {"text": f"{record.name} is added as {record.role.with_article}.", "error": False}
    context = users_context(request, wired)
    return render(request, "users.html", user, flash=flashed, issued=(record.name, token), **context)


@router.post("/users/{name}/token", response_model=None)
async def new_token(request: Request, name: str, user: Manager, wired: Wired) -> HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    token = await run_in_threadpool(wired.users.issue_token, name, actor=user.name, door=Door.WEB)
    flashed = {"text": f"{name} has a new token; the earlier one no longer works.", "error": False}
    return render(
        request, "users.html", user, flash=flashed, issued=(name, token), **users_context(request, wired)
    )


@router.post("/users/{name}/revoke")
async def revoke(request: Request, name: str, user: Manager, wired: Wired) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form)
    if not _one(form, "confirm"):
        flash(request, f"Nothing was changed: tick the box to revoke {name}'s tokens.", error=True)
        return redirect("/users")
    count = await run_in_threadpool(wired.users.revoke, name, actor=user.name, door=Door.WEB)
    flash(request, f"{name}'s tokens are revoked ({count}); their sessions have ended.")
    return redirect("/users")


@router.post("/users/{name}/contact", response_model=None)
async def contact(
    request: Request, name: str, user: Manager, wired: Wired
) -> HTMLResponse | RedirectResponse:
    """Where a user is told of overdue steps, and how; an empty address removes theirs."""
    form = await request.form()
    check_csrf(request, form)
    try:
        mail = parse_preference(str(form.get("mail") or ""))
        record = await run_in_threadpool(
            lambda: wired.users.change_contact(
                name, email=str(form.get("email") or ""), mail=mail, actor=user.name, door=Door.WEB
            )
        )
    except DomainError as error:
        flashed = {"text": str(error), "error": True}
        kept = kept_of(f"contact:{name}", form)
        return render(
            request, "users.html", user, 422, flash=flashed, kept=kept, **users_context(request, wired)
        )
    told = f"at {record.email} ({record.mail.value})" if record.email else "nowhere: no address"
    flash(request, f"{record.name} is told of overdue steps {told}.")
    return redirect("/users")
