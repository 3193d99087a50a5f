"""Signing in with a token (then a session kept in the event store, named by a signed cookie), signing out,
and the home page by role."""

from __future__ import annotations

import contextlib
import secrets
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.sessions import TokenNotHeld
from domain.user import Role
from web.access import PageUser, Wired, signed_in_by
from web.errors import TooManySignIns
from web.views import check_csrf, redirect, render

router = APIRouter(include_in_schema=False)
HOME_OF = {Role.OFFICER: "/worklist", Role.MANAGER: "/dashboard", Role.AUDITOR: "/audit"}


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never another host (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login")
def login_page(request: Request, target: Annotated[str | None, Query(alias="next")] = None) -> HTMLResponse:
    return render(request, "login.html", None, next=_safe_next(target) or "")


@router.post("/login")
async def login(request: Request, wired: Wired) -> Response:
    form = await request.form()
    # The form token of the page this browser was given before signing in: without it, another site
    # could sign the browser in as someone else (login CSRF), and its actions would be theirs.
    check_csrf(request, form)
    token, target = str(form.get("token", "")), _safe_next(str(form.get("next", "")))
    try:
        user = await run_in_threadpool(signed_in_by, request, wired, token) if token.strip() else None
    except TooManySignIns as refusal:
        page = render(request, "login.html", None, status=429, next=target or "", error=refusal.detail)
        page.headers.update(refusal.headers or {})
        return page
    session = None
    if user is not None:
        # The token may have been revoked since it was checked: then no session starts.
        with contextlib.suppress(TokenNotHeld):
            token_id = token.strip().partition(".")[0]
            session = await run_in_threadpool(wired.users.start_session, user.name, token_id)
    if user is None or session is None:
        message = "That token is not valid: it was mistyped or has been revoked."
        return render(request, "login.html", None, status=401, next=target or "", error=message)
    request.session.clear()
    request.session.update({"session": session, "csrf": secrets.token_urlsafe(24)})
    return redirect(target or HOME_OF[user.role])


@router.post("/logout")
async def logout(request: Request, wired: Wired, _user: PageUser) -> RedirectResponse:
    check_csrf(request, await request.form())
    await run_in_threadpool(wired.users.end_session, str(request.session.get("session", "")))
    request.session.clear()
    return redirect("/login")


@router.get("/")
def home(user: PageUser) -> RedirectResponse:
    return redirect(HOME_OF[user.role])
