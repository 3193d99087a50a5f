"""Documents attached to steps: stored through the API ahead of the command that names them, and read back (in
the API and from a case's page) by those who may see their case."""

from __future__ import annotations

import base64
import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from activities.users import UserRecord
from domain.attachments import Attachment
from domain.user import Role
from usecases.documents import filed, store_upload
from web.access import ApiUser, PageUser, Wired, api_roles, case_code, check_read
from web.api_models import REFUSALS
from web.errors import ApiError
from web.services import Services
from workflows.commands import COMMANDS

router = APIRouter(prefix="/api", tags=["documents"], responses=REFUSALS)
# The page's download, beside the case's page; no part of the API's description.
pages = APIRouter(include_in_schema=False)

# Where files come: the API's uploads, and the forms of a case's commands (a request's on the worklist).
UPLOADS = re.compile(
    r"/api/documents|/cases|/cases/[^/]+/(?:" + "|".join(r.name for r in COMMANDS if not r.opens) + ")"
)
# Who stores documents: those who record steps (officers, and managers for the commands they may send).
Recorder = Annotated[UserRecord, Depends(api_roles(Role.OFFICER, Role.MANAGER))]


@router.post("/documents", status_code=201, summary="Store a document to attach to a step")
async def store_document(
    file: Annotated[UploadFile, File(description="The document, sent as multipart/form-data")],
    user: Recorder,
    wired: Wired,
    sha256: Annotated[
        str | None,
        Form(
            description="Its SHA-256 (hex), if the sender knows it: bytes that do not hash to it are refused"
        ),
    ] = None,
) -> Attachment:
    """Keep the document by its SHA-256 and answer what a step records of it: name it in the `documents` of
    the step's body. Its bytes are kept once, however often they are sent; larger than
    PALERMO_DOCUMENT_MAX_BYTES, they are refused (413)."""
    return await run_in_threadpool(
        store_upload, wired.documents, file.file, file.filename, file.content_type, sha256
    )


def served(wired: Services, user: UserRecord, state: str, sha256: str) -> FileResponse:
    """The bytes of a document an event of the case recorded, under the name it was recorded with; 404 to a
    user who may not see the case as to one asking for a document the case lacks, so that a hash tells
    nobody whether a document exists."""
    nothing = ApiError(404, "The case has no document with that SHA-256, or it is not yours to see.")
    try:
        code = case_code(wired, state)
        check_read(user, code)
    except ApiError:
        raise nothing from None
    document = filed(wired.engagements, code, sha256.lower())
    path = wired.documents.read_path(document.sha256) if document is not None else None
    if document is None or path is None:
        raise nothing
    # The digest recorded (RFC 9530), so that whoever downloads it can check the bytes against the record.
    recorded = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    return FileResponse(
        path,
        media_type=document.media_type,
        filename=document.name,
        headers={"Repr-Digest": f"sha-256=:{recorded}:"},
    )


@router.get(
    "/cases/{state}/documents/{sha256}",
    summary="Download a document of a case",
    response_class=FileResponse,
    # Served with the media type it was attached with, whatever that is.
    responses={200: {"description": "The document's bytes", "content": {"*/*": {}}}},
)
def download_document(state: str, sha256: str, user: ApiUser, wired: Wired) -> FileResponse:
    """The document's bytes, as attached to a step of the case (by its SHA-256)."""
    return served(wired, user, state, sha256)


@pages.get("/cases/{state}/documents/{sha256}")
def download_from_page(state: str, sha256: str, user: PageUser, wired: Wired) -> FileResponse:
    return served(wired, user, state, sha256)
