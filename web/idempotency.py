"""API requests keyed by the IETF httpapi Idempotency-Key header: a retry gets the first answer again."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from activities.users import UserRecord
from domain.request_key import command_id_of_key
from web.services import Services

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Names this request, so that it can be sent again safely: the same key with the same request "
            "is recorded once and answered with the first status and body; with another request, 422. "
            "A refused request records nothing and keeps nothing: sent again, it is decided again."
        ),
    ),
]


def fingerprint(method: str, path: str, body: BaseModel) -> str:
    """What a request asks, canonically: a retry under the same key must ask the same."""
    asked = json.dumps([method, path, body.model_dump(mode="json")], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(asked.encode()).hexdigest()


async def once(
    wired: Services,
    user: UserRecord,
    key: str | None,
    asked: str,
    record: Callable[[str], Awaitable[tuple[int, BaseModel]]],
) -> JSONResponse:
    """Run `record(command_id)` once per key, answering a retried key with the first answer.

    The command id comes from the key, so retries that overlap (on two web servers, say) reach the
    workflow as one command. Only what was done is kept: a refusal recorded nothing, and a retry of it
    is decided afresh, as is one the server did not answer (503).
    """
    if key is not None:
        found = await run_in_threadpool(wired.request_keys.answered, user.name, key, asked)
        if found is not None:
            return JSONResponse(json.loads(found.body), status_code=found.status)
    command_id = command_id_of_key(user.name, key) if key is not None else str(uuid.uuid4())
    status, answer = await record(command_id)
    body = answer.model_dump_json()
    if key is not None:
        kept = await run_in_threadpool(wired.request_keys.remember, user.name, key, asked, status, body)
        status, body = kept.status, kept.body
    return JSONResponse(json.loads(body), status_code=status)
