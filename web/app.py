"""The web app and HTTP API in one FastAPI application: `create_app(settings)`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from starlette.middleware.sessions import SessionMiddleware
from temporalio.client import Client

from domain.sessions import SESSION_LIFETIME
from usecases.settings import Settings
from usecases.tracing import tracing_on
from web import (
    api_cases,
    api_docs,
    api_documents,
    api_forecast,
    api_programme,
    api_records,
    api_resources,
    calendar,
    errors,
    metrics,
    pages_assign,
    pages_audit,
    pages_auth,
    pages_cases,
    pages_incidents,
    pages_manage,
    pages_programme,
    pages_records,
    pages_resources,
    pages_temporal,
)
from web.config import WebSettings, session_secret, temporal_ui
from web.freshness import Asked
from web.limits import BodyLimit, SafetyHeaders
from web.services import Services, utc_now
from web.templating import HERE
from web.views import error_page

# Every route of the app is in one of these (besides the OpenAPI document and the mounted files).
# FastAPI tries each route in turn, so the routers of the pages asked most come first: finding the
# dashboard behind eighty other routes cost a millisecond a request. A router moved ahead must not take a
# request another one before it answered (the claim and assign forms before a case's step forms, which
# take any name).
ROUTERS = (
    api_records.router,
    pages_assign.router,
    pages_cases.router,
    pages_records.router,
    api_cases.router,
    api_documents.router,
    api_documents.pages,
    api_forecast.router,
    api_docs.router,
    api_programme.router,
    api_resources.router,
    calendar.router,
    pages_audit.router,
    pages_auth.router,
    pages_incidents.router,
    pages_manage.router,
    pages_programme.router,
    pages_resources.router,
    pages_temporal.router,
    metrics.router,
)
DESCRIPTION = """
Engagements of States under the Palermo Convention and its Protocols. Every change goes through the State's
Temporal workflow, which validates it before anything is recorded; every event carries the user who caused it.

Send `Authorization: Bearer <token>` with a token from `palermo user add` or `palermo user token`.
Every refusal is JSON `{"error": "one sentence"}` with its status: 400 unreadable body, 401 no or bad token,
403 outside the user's role or scope, 404 unknown, 409 conflicts with the case as it stands, 413 body too
large, 422 invalid input, 429 too many failed sign-ins (wait as `Retry-After` says), 503 Temporal unreachable.
"""


def create_app(
    settings: Settings,
    *,
    client: Client | None = None,
    clock: Callable[[], datetime] = utc_now,
    web: WebSettings | None = None,
) -> FastAPI:
    """The app for one deployment; tests pass the Temporal client and clock they run with."""
    web = web or WebSettings()
    app = FastAPI(
        title="Palermo",
        description=DESCRIPTION,
        version="1",
        openapi_url=api_docs.OPENAPI_URL,
        # Served by api_docs from installed packages, not from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = Services(
        settings=settings, web=web, temporal_ui=temporal_ui(settings, web), client=client, clock=clock
    )
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api_docs.mount_assets(app)
    errors.install(app, error_page)
    app.add_middleware(Asked)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings, web),
        session_cookie="palermo_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        same_site="lax",
        https_only=web.secure_cookies,
    )
    app.add_middleware(SafetyHeaders)
    # Outermost, so an oversized body is refused before anything reads it.
    app.add_middleware(
        BodyLimit,
        limit=web.max_body,
        # A form's or an upload's files together up to one document's limit, besides the form itself.
        upload_limit=web.max_body + settings.document_max_bytes,
        uploads=api_documents.UPLOADS,
    )
    app.add_middleware(metrics.RequestTiming)
    if tracing_on(settings):
        FastAPIInstrumentor.instrument_app(app, excluded_urls="/metrics,/static/.*")
    return app
