"""Every failure as one sentence: JSON `{"error": …}` with its status for the API, a page for people."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.status import HTTP_413_CONTENT_TOO_LARGE

from domain.attachments import DocumentTooLarge
from domain.errors import DomainError
from domain.funds import UnknownContribution
from domain.outreach import UnknownMeeting
from domain.user import UnknownUser, UserAlreadyExists
from usecases.embedded import UI_PATH
from workflows.client import CommandRefused, ServerUnavailable

# Refusals that concern the case as it stands (a conflict), the case's absence, or the input itself.
CONFLICTS = frozenset(
    {
        "EngagementAlreadyOpen",
        "RoundStillOpen",
        "EngagementClosed",
        "InstrumentsUnchanged",
        "LastInstrumentWithdrawn",
        "StepAlreadyRecorded",
        "StepOutOfOrder",
        "BillStageOutOfOrder",
        "LegislationPending",
        "CommandIdReused",
        "FundsExhausted",
        "ContributionAlreadyPledged",
        "ReceiptOverPledge",
    }
)
NOT_FOUND = frozenset({"EngagementNotOpen"})


class ApiError(HTTPException):
    """A refusal with its status; raised anywhere a request is handled."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code=status, detail=message, headers=headers)


class BodyTooLarge(ApiError):
    """The request body passed the size limit; FastAPI re-raises HTTP exceptions met while reading it."""

    def __init__(self, limit: int) -> None:
        super().__init__(HTTP_413_CONTENT_TOO_LARGE, f"The request body is larger than {limit // 1024} KiB.")


class TooManySignIns(ApiError):
    """The client failed to sign in too often of late, and waits before trying again."""

    def __init__(self, wait_s: int) -> None:
        unit = "second" if wait_s == 1 else "seconds"
        sentence = f"Too many failed sign-ins; try again in {wait_s} {unit}."
        super().__init__(429, sentence, headers={"Retry-After": str(wait_s)})


class SignInRequired(ApiError):
    """No valid credentials came with the request."""

    def __init__(self, message: str) -> None:
        super().__init__(401, message, headers={"WWW-Authenticate": "Bearer"})


def sentence(errors: Sequence[Any]) -> str:
    """The first validation complaint as a sentence naming the field, and how many more there are."""
    first = errors[0]
    loc = [str(p) for p in first.get("loc", ()) if not isinstance(p, int)]
    where = ".".join(p for p in loc if p not in ("body", "query", "path", "form")) or "body"
    if where == "body" and first.get("type") in ("missing", "dict_type", "model_attributes_type"):
        message = "The request body must be a JSON object, sent with Content-Type: application/json"
    elif first.get("type") == "missing":
        message = f"{where} is required"
    else:
        message = f"{where}: {first.get('msg', 'is not valid')}"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{message}{more}."


def status_of_refusal(refusal: CommandRefused) -> int:
    kind = refusal.kind
    if kind in CONFLICTS:
        return 409
    if kind in NOT_FOUND:
        return 404
    return 422


def _status_and_sentence(request: Request, error: Exception) -> tuple[int, str, dict[str, str] | None]:
    if isinstance(error, ApiError):
        return error.status_code, str(error.detail), dict(error.headers or {}) or None
    if isinstance(error, HTTPException):
        # Raised by the router itself (no route, wrong method) or by FastAPI while reading a body.
        where = request.url.path
        said = {
            404: f"There is nothing at {where}.",
            405: f"{request.method} is not allowed at {where}.",
        }.get(error.status_code, f"{str(error.detail).rstrip('.')}.")
        return error.status_code, said, dict(error.headers or {}) or None
    if isinstance(error, RequestValidationError):
        found = list(error.errors())
        if found and found[0].get("type") == "json_invalid":
            reason = (found[0].get("ctx") or {}).get("error", "it cannot be parsed")
            return 400, f"The request body is not valid JSON: {reason}.", None
        return 422, sentence(found), None
    if isinstance(error, ValidationError):
        return 422, sentence(error.errors()), None
    if isinstance(error, CommandRefused):
        return status_of_refusal(error), str(error), None
    if isinstance(error, ServerUnavailable):
        return 503, str(error), {"Retry-After": str(max(1, math.ceil(error.retry_after)))}
    if isinstance(error, PersistenceError):
        # A database restarting, or its connections all taken: the request may be sent again, and with
        # its Idempotency-Key it is recorded once whatever this one did.
        said = "The event store did not answer; send the request again (with its Idempotency-Key)."
        return 503, said, {"Retry-After": "1"}
    if isinstance(error, UnknownUser | UnknownMeeting | UnknownContribution):
        return 404, str(error), None
    if isinstance(error, DocumentTooLarge):
        return HTTP_413_CONTENT_TOO_LARGE, str(error), None
    if isinstance(error, UserAlreadyExists) or type(error).__name__ in CONFLICTS:
        return 409, str(error), None
    if isinstance(error, DomainError):
        return 422, str(error), None
    return 500, "Something went wrong on the server; the error is in its log.", None


def one_line(sentence: str) -> str:
    """The sentence with what it quotes of the request made visible: control characters (a newline in a
    State's name, say) and lone surrogates escaped, so that it stays one line and encodes as UTF-8."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in sentence)


def is_api(request: Request) -> bool:
    """Whether a program asks: this app's API, or the Temporal UI's own calls to its API."""
    return request.url.path.startswith(("/api", f"{UI_PATH}/api/"))


def install(app: FastAPI, page: Any) -> None:
    """Register the handlers; `page(request, status, sentence)` renders a failure for people."""

    async def handle(request: Request, error: Exception) -> Response:
        status, message, headers = _status_and_sentence(request, error)
        message = one_line(message)
        if is_api(request):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        if status == 401:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        response: Response = page(request, status, message)
        response.headers.update(headers or {})
        return response

    for kind in (
        HTTPException,
        RequestValidationError,
        ValidationError,
        CommandRefused,
        ServerUnavailable,
        PersistenceError,
        DomainError,
        Exception,
    ):
        app.add_exception_handler(kind, handle)
