"""The auditor's tools in the web app: verify every chain, seal their heads, replay cases and figures from the
raw events (a State's as of a date), and export a bundle; the same as `palermo audit …`."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from activities.store.chain import AuditKeyError
from activities.users import UserRecord
from audit.documents import DocumentReason
from audit.log_replay import UnreadableLog
from audit.verify import AuditFailed
from domain.errors import DomainError
from domain.user import Role
from usecases.audits import audit_key, export, make_seal, replay, verify
from web.access import Wired, page_roles, state_code
from web.errors import ApiError
from web.reports import InRange, WrittenOut
from web.views import BlankIsNone, render

router = APIRouter(include_in_schema=False)
Auditor = Annotated[UserRecord, Depends(page_roles(Role.AUDITOR))]
Day = Annotated[date | None, WrittenOut, BlankIsNone, InRange, Query()]
Code = Annotated[str | None, BlankIsNone, Query(max_length=60)]


def _key(wired: Wired) -> bytes:
    try:
        return audit_key(wired.settings)
    except AuditKeyError as error:
        raise ApiError(503, str(error)) from None


@router.get("/audit/verify")
async def verify_page(request: Request, user: Auditor, wired: Wired) -> HTMLResponse:
    key = _key(wired)
    try:
        verified = await run_in_threadpool(verify, wired.settings, key)
    except AuditFailed as failed:
        sentences = [f.sentence() for f in failed.failures]
        documents = [f for f in failed.failures if f.reason in set(DocumentReason)]
        chain = len(documents) < len(failed.failures)
        return render(
            request, "audit_verify.html", user, 409, verified=None, failures=sentences, chain=chain,
            documents=bool(documents),
        )  # fmt: skip
    return render(request, "audit_verify.html", user, verified=verified, failures=[])


@router.get("/audit/seal")
async def seal_download(_user: Auditor, wired: Wired) -> Response:
    """Verify, then sign every log's head: the file to keep elsewhere and verify against later."""
    key = _key(wired)
    try:
        seal = await run_in_threadpool(make_seal, wired.settings, key)
    except AuditFailed as failed:
        raise ApiError(409, f"Not sealed: the chain is broken. {failed}") from None
    name = f"seal-{seal.sealed_at.strftime('%Y-%m-%dT%H%M%S')}.json"
    return Response(
        seal.model_dump_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/audit/replay")
async def replay_page(
    request: Request, user: Auditor, wired: Wired, state: Code = None, as_of: Day = None
) -> HTMLResponse:
    day = as_of or wired.today()
    code = state_code(wired, state) if state else None
    try:
        result = await run_in_threadpool(
            lambda: replay(wired.settings, as_of=day, state=code, participants=wired.participants)
        )
    except (UnreadableLog, DomainError) as error:
        raise ApiError(409 if isinstance(error, UnreadableLog) else 404, str(error)) from None
    status = 409 if result.differences else 200
    return render(request, "audit_replay.html", user, status, result=result, state=code or "", as_of=day)


@router.get("/audit/export")
async def export_download(
    _user: Auditor, wired: Wired, state: Code = None, as_of: Day = None
) -> FileResponse:
    """A bundle (events as JSON lines, a seal, the figures with lineage) to verify on another machine."""
    day = as_of or wired.today()
    code = state_code(wired, state) if state else None
    key = _key(wired)
    folder = Path(tempfile.mkdtemp(prefix="palermo-export-"))
    out = folder / f"bundle-{code or 'all'}-{day.isoformat()}.zip"
    try:
        await run_in_threadpool(lambda: export(wired.settings, key, out, scope=code, as_of=day))
    except AuditFailed as failed:
        _remove(folder)
        raise ApiError(409, f"Not exported: the chain is broken. {failed}") from None
    return FileResponse(
        out, media_type="application/zip", filename=out.name, background=BackgroundTask(_remove, folder)
    )


def _remove(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
