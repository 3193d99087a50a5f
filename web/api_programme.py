"""The API of plans and questionnaires: a route per entry of the programme's command table
(usecases.programme), its body the command's own fields; and their lists."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.concurrency import run_in_threadpool

from activities.programme import DispatchRecord, PlanRecord, Programme, ReplyRecord
from activities.users import UserRecord
from domain.errors import DomainError, RecordClosed, UnknownRecord
from domain.plans import PlanExists
from domain.programme import ENVELOPE
from domain.user import Role
from domain.values import Door, ShortText, Value
from usecases.programme import ENTRIES, Entry, open_programme, replies_with_citations
from web.access import ApiUser, Wired, api_roles, check_read
from web.api_models import REFUSALS
from web.errors import ApiError
from web.idempotency import IdempotencyKey, fingerprint, once
from web.services import Services

router = APIRouter(prefix="/api", responses=REFUSALS)
# Refusals of a record as it stands (409), and of a record that is not there (404); the rest are 422.
CONFLICTS = (RecordClosed, PlanExists)


class Questionnaires(BaseModel):
    """Every sending of a questionnaire and every State's reply."""

    model_config = ConfigDict(frozen=True)

    sendings: list[DispatchRecord]
    replies: list[ReplyRecord]


def body_of(entry: Entry) -> type[BaseModel]:
    """The entry's API body: what the command asks (less the path's target), when it happened, the source."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in entry.model.model_fields.items()
        if name not in ENVELOPE and name != entry.target
    }
    fields["effective_date"] = (
        date | None,
        Field(default=None, description="When it happened in the world; default today."),
    )
    fields["source"] = (ShortText | None, Field(default=None, description="Where the fact comes from."))
    name = "".join(part.capitalize() for part in entry.name.split("_")) + "Body"
    return create_model(name, __base__=Value, __doc__=entry.model.__doc__, **fields)


BODIES = {entry.name: body_of(entry) for entry in ENTRIES}


def _path(entry: Entry) -> str:
    if entry.target is not None:
        return f"/{entry.noun}s/{{{entry.target}}}/{entry.verb}"
    return "/plans" if entry.name == "plan_make" else f"/{entry.noun}s/{entry.verb}"


def _programme(wired: Services) -> Programme:
    return open_programme(wired.settings)


def _decided(
    entry: Entry, body: BaseModel, user: UserRecord, wired: Services, target: UUID | None
) -> BaseModel:
    """The command recorded, after the user's scope is checked against the States it concerns."""
    asked = body.model_dump(exclude={"effective_date"}, exclude_unset=True)
    fields = asked | {
        "actor": user.name,
        "door": Door.API,
        "effective_date": getattr(body, "effective_date", None) or wired.today(),
    }
    if entry.target is not None:
        fields[entry.target] = target
    command = entry.model.model_validate(fields)
    for state in command.concerns():
        check_read(user, wired.participant(state).code)
    programme = _programme(wired)
    try:
        return entry.act(programme, command)
    except UnknownRecord as error:
        raise ApiError(404, str(error)) from None
    except CONFLICTS as error:
        raise ApiError(409, str(error)) from None
    except DomainError:
        raise
    finally:
        programme.outreach.close()


def _route(entry: Entry) -> None:
    sender = Annotated[UserRecord, Depends(api_roles(*entry.senders))]

    async def record(
        body: Any, user: Any, wired: Wired, key: IdempotencyKey = None, **target: Any
    ) -> JSONResponse:
        chosen = target.get(entry.target) if entry.target else None
        path = _path(entry).replace(f"{{{entry.target}}}", str(chosen))

        async def act(_command_id: str) -> tuple[int, BaseModel]:
            return 200, await run_in_threadpool(_decided, entry, body, user, wired, chosen)

        return await once(wired, user, key, fingerprint("POST", f"/api{path}", body), act)

    handler: Callable[..., Awaitable[JSONResponse]] = record
    # FastAPI reads the route's parameters from this signature: the path's target, this entry's body and
    # the roles that may send it.
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("body", keyword, annotation=BODIES[entry.name]),
        inspect.Parameter("user", keyword, annotation=sender),
        inspect.Parameter("wired", keyword, annotation=Wired),
        inspect.Parameter("key", keyword, default=None, annotation=IdempotencyKey),
    ]
    if entry.target is not None:
        parameters.insert(0, inspect.Parameter(entry.target, keyword, annotation=UUID))
    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    handler.__name__ = handler.__qualname__ = entry.name
    answer = PlanRecord if entry.noun == "plan" else ReplyRecord if entry.verb == "answer" else DispatchRecord
    router.post(_path(entry), response_model=answer, tags=[f"{entry.noun}s"], summary=entry.help.rstrip("."))(
        handler
    )


for _entry in ENTRIES:
    _route(_entry)


@router.get("/plans", tags=["plans"], summary="Plans as they stand, or as they stood on a day")
def plans(
    _user: ApiUser,
    wired: Wired,
    as_of: Annotated[date | None, Query(description="As the plans stood on this day.")] = None,
    after: Annotated[
        date | None, Query(description="Only what was planned, on this day, for after it.")
    ] = None,
) -> list[PlanRecord]:
    programme = _programme(wired)
    try:
        return programme.plans_after(after) if after is not None else programme.plans(as_of)
    finally:
        programme.outreach.close()


@router.get(
    "/questionnaires", tags=["questionnaires"], summary="Questionnaires sent and the replies received"
)
def questionnaires(_user: ApiUser, wired: Wired) -> Questionnaires:
    programme = _programme(wired)
    try:
        return Questionnaires(
            sendings=programme.dispatches(), replies=replies_with_citations(wired.settings, programme)
        )
    finally:
        programme.outreach.close()


__all__ = ["BODIES", "Role", "router"]
