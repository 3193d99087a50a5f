"""Rendering pages: the templates, the signed-in user, one-time messages and the form token."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup
from pydantic import BeforeValidator
from starlette.datastructures import FormData

from activities.users import UserRecord
from usecases.embedded import UI_PATH
from web.errors import ApiError
from web.pages_temporal import may_watch
from web.templating import templates


def _blank_is_none(value: object) -> object:
    return value if value != "" else None


# A form's empty field arrives as `name=`; for an optional query parameter it means "not given".
BlankIsNone = BeforeValidator(_blank_is_none)


def csrf_token(request: Request) -> str:
    """The session's form token, made on first use; every form posts it back."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, form: FormData) -> None:
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        raise ApiError(403, "The form has expired or came from elsewhere; reload the page and try again.")


def flash(request: Request, text: str, *, error: bool = False) -> None:
    request.session["flash"] = {"text": text, "error": error}


def render(
    request: Request, template: str, user: UserRecord | None, status: int = 200, **context: Any
) -> HTMLResponse:
    # The handler of unexpected errors runs outside the session middleware: no session there.
    has_session = "session" in request.scope
    message = request.session.pop("flash", None) if has_session else None
    wired = request.app.state.services
    page: HTMLResponse = templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf": csrf_token(request) if has_session else "",
            "flash": message,
            "temporal_ui": f"{UI_PATH}/" if may_watch(wired, user) else None,
            **context,
        },
        status_code=status,
    )
    return page


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def svg(markup: str) -> Markup:
    """An SVG chart drawn by projections.charts, which escapes every text it writes."""
    return Markup(markup)


def error_page(request: Request, status: int, sentence: str) -> HTMLResponse:
    """A refusal for people, with the navigation of whoever is signed in."""
    secret = request.session.get("session") if "session" in request.scope else None
    user = request.app.state.services.users.signed_in(secret) if isinstance(secret, str) else None
    return render(request, "error.html", user, status=status, status_code=status, sentence=sentence)
