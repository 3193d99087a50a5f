"""Who works on a case: an officer claims a case of their regions that nobody holds, a manager assigns it to
an officer. A case is an officer's own when its State is named in their scope; the rest of their regions'
cases are their team's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from activities.users import UserRecord
from domain.user import Role
from domain.values import Door
from web.access import PageUser, Wired, check_read, page_roles, state_code
from web.errors import ApiError
from web.services import Services
from web.views import check_csrf, flash, redirect

router = APIRouter(include_in_schema=False)
Manager = Annotated[UserRecord, Depends(page_roles(Role.MANAGER))]


def holders(wired: Services, state: str) -> list[str]:
    """The officers a case is assigned to: those whose scope names its State."""
    return [u.name for u in wired.users.users() if u.role is Role.OFFICER and state in u.scope.states]


def held_states(wired: Services) -> set[str]:
    """The States some officer's scope names: every other case is unassigned."""
    return {s for u in wired.users.users() if u.role is Role.OFFICER for s in u.scope.states}


def officers(wired: Services) -> list[str]:
    return [u.name for u in wired.users.users() if u.role is Role.OFFICER]


def _give(wired: Services, officer: str, state: str, actor: str) -> UserRecord:
    record = wired.users.user(officer)
    if record is None or record.role is not Role.OFFICER:
        raise ApiError(422, f"{officer} is not an officer: only officers are assigned cases.")
    scope = wired.users.scope((*record.scope.states, state), record.scope.regions)
    return wired.users.assign(officer, scope, actor=actor, door=Door.WEB)


@router.post("/cases/{state}/claim")
async def claim(request: Request, state: str, user: PageUser, wired: Wired) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form)
    code = state_code(wired, state)
    if user.role is not Role.OFFICER:
        raise ApiError(403, f"{user.name} is {user.role.with_article}: only officers claim cases.")
    check_read(user, code)
    taken = await run_in_threadpool(holders, wired, code)
    if taken:
        flash(
            request, f"{code} is already assigned to {', '.join(taken)}; a manager reassigns it.", error=True
        )
    else:
        await run_in_threadpool(_give, wired, user.name, code, user.name)
        flash(request, f"{code} is yours now.")
    return redirect(f"/cases/{code}")


@router.post("/cases/{state}/assign")
async def assign(request: Request, state: str, user: Manager, wired: Wired) -> RedirectResponse:
    form = await request.form()
    check_csrf(request, form)
    code = state_code(wired, state)
    officer = str(form.get("officer") or "")
    await run_in_threadpool(_give, wired, officer, code, user.name)
    flash(request, f"{code} is assigned to {officer}.")
    return redirect(f"/cases/{code}")
