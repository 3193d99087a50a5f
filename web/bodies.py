"""The API's request bodies, one per row of the command table, and the commands they become."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain.attachments import Documents
from domain.commands import ENVELOPE, Command
from domain.values import ShortText
from workflows.commands import COMMANDS, Row

# What the API takes from the path, the signed-in user and the Idempotency-Key, never from the body.
NOT_IN_BODY = ENVELOPE


class Body(BaseModel):
    """Fields every request that records something may carry; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    effective_date: date | None = Field(default=None, description="When it happened; default today")
    source: ShortText | None = Field(default=None, description="The document or note it comes from")
    documents: Documents = Field(
        default=(),
        description="Documents attached to the step, each as `POST /api/documents` answered for it (stored "
        "first, then named by its SHA-256)",
    )


class RequestBody(Body):
    """A request names its State in the body, by code or name: there is no case to name in the path yet."""

    state: str = Field(min_length=1, max_length=100, description="ISO 3166 alpha-3 code or name")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def body_of(row: Row) -> type[Body]:
    """The body of the row's command: its fields, less those the API fills itself."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in row.model.model_fields.items()
        if name not in NOT_IN_BODY
    }
    base: type[Body] = RequestBody if row.opens else Body
    return create_model(f"{_camel(row.name)}Body", __base__=base, __doc__=row.help, **fields)


BODIES: dict[str, type[Body]] = {row.name: body_of(row) for row in COMMANDS}


def command_of(row: Row, body: Body, *, state: str, actor: str, today: date, command_id: str) -> Command:
    """The command a body asks for, on behalf of `actor`, under the sender's id (default date: today)."""
    fields = {name: getattr(body, name) for name in type(body).model_fields}
    fields |= {
        "state": state,
        "actor": actor,
        "effective_date": body.effective_date or today,
        "command_id": command_id,
    }
    return row.model.model_validate(fields)
