"""The Temporal UI, served read-only at /temporal to signed-in managers and auditors."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from activities.users import UserRecord
from domain.user import Role
from usecases.embedded import UI_PATH
from web.access import Wired, page_roles
from web.errors import ApiError
from web.services import Services

# The roles that may watch workflows in the UI; officers act through Palermo's own doors.
UI_ROLES = (Role.MANAGER, Role.AUDITOR)
READS = frozenset({"GET", "HEAD"})
# Routed so that a write is refused in a sentence; any other method is not routed at all.
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
# What passes between browser and UI; this app's cookies and credentials never reach the UI.
REQUEST_HEADERS = ("accept", "accept-encoding", "accept-language", "if-modified-since", "if-none-match")
RESPONSE_HEADERS = ("cache-control", "content-encoding", "content-type", "etag", "last-modified", "vary")
SETTINGS_PATH = f"{UI_PATH}/api/v1/settings"
# The UI hides its buttons for these; refusing every write is what makes it read-only.
WRITE_SWITCHES = (
    "DisableWriteActions",
    "WorkflowTerminateDisabled",
    "WorkflowCancelDisabled",
    "WorkflowSignalDisabled",
    "WorkflowUpdateDisabled",
    "WorkflowResetDisabled",
    "WorkflowPauseDisabled",
    "BatchActionsDisabled",
    "StartWorkflowDisabled",
    "ActivityCommandsDisabled",
)
INLINE_SCRIPT = re.compile(rb"<script[^>]*>(.+?)</script>", re.DOTALL)
READ_ONLY = "The Temporal UI is read-only here: record every change through Palermo's pages, API or commands."

router = APIRouter(include_in_schema=False)
Watcher = Annotated[UserRecord, Depends(page_roles(*UI_ROLES))]


def may_watch(wired: Services, user: UserRecord | None) -> bool:
    """Whether pages show `user` the links to the Temporal UI."""
    return wired.temporal_ui is not None and user is not None and user.role in UI_ROLES


def ui_policy(page: bytes) -> bytes:
    """The UI's content security policy: its own files, and the inline scripts of this very page only."""
    hashes = [base64.b64encode(hashlib.sha256(s).digest()) for s in INLINE_SCRIPT.findall(page)]
    scripts = b" ".join([b"'self'", *(b"'sha256-" + h + b"'" for h in hashes)])
    return (
        b"default-src 'self'; script-src " + scripts + b"; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; font-src 'self' data:; form-action 'none'; frame-ancestors 'none'; "
        b"base-uri 'self'"
    )


def _headers(answer: httpx.Response, policy: bytes) -> dict[str, str]:
    kept = {name: answer.headers[name] for name in RESPONSE_HEADERS if name in answer.headers}
    location = answer.headers.get("location")
    if location is not None:
        kept["location"] = location.removeprefix(f"{answer.url.scheme}://{answer.url.netloc.decode()}")
    return kept | {"content-security-policy": policy.decode()}


async def _fetch(request: Request, wired: Services) -> httpx.Response:
    if wired.ui_client is None:
        raise ApiError(404, "This web app serves no Temporal UI; set PALERMO_WEB_TEMPORAL_UI to its address.")
    # The path as the browser sent it, percent-escapes and all: a workflow id may hold a slash.
    target = request.scope["raw_path"].decode("latin-1")
    query = request.scope["query_string"].decode("latin-1")
    headers = {name: request.headers[name] for name in REQUEST_HEADERS if name in request.headers}
    outgoing = wired.ui_client.build_request(
        request.method, f"{target}?{query}" if query else target, headers=headers
    )
    try:
        return await wired.ui_client.send(outgoing, stream=True)
    except httpx.HTTPError:
        said = f"The Temporal UI at {wired.temporal_ui} did not answer; try again shortly."
        raise ApiError(502, said) from None


async def _whole(answer: httpx.Response) -> bytes:
    """The body, decoded from any content encoding, and the connection given back."""
    try:
        return await answer.aread()
    finally:
        await answer.aclose()


@router.api_route(f"{UI_PATH}/{{path:path}}", methods=METHODS)
async def temporal_ui(request: Request, user: Watcher, wired: Wired) -> Response:
    if request.method not in READS:
        raise ApiError(403, READ_ONLY)
    answer = await _fetch(request, wired)
    if request.url.path == SETTINGS_PATH and answer.status_code == 200:
        await _whole(answer)
        switched = answer.json() | dict.fromkeys(WRITE_SWITCHES, True)
        return JSONResponse(switched, headers={"content-security-policy": ui_policy(b"").decode()})
    if answer.headers.get("content-type", "").startswith("text/html"):
        page = await _whole(answer)
        headers = _headers(answer, ui_policy(page))
        headers.pop("content-encoding", None)
        return Response(page, status_code=answer.status_code, headers=headers)
    return StreamingResponse(
        answer.aiter_raw(),
        status_code=answer.status_code,
        headers=_headers(answer, ui_policy(b"")),
        background=BackgroundTask(answer.aclose),
    )
