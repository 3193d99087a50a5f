"""Request bodies of the API (the pages' forms are read into the same ones) and the commands they become."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    NameFocalPoint,
    OpenEngagement,
    RecordAssistanceActivity,
    RecordBill,
    RecordLawSummary,
    RecordTraining,
    Withdraw,
)
from domain.values import AssistanceActivity, Bill, FocalPoint, GapItem, Instrument, ShortText, Text


class Body(BaseModel):
    """Fields every request that records something may carry; unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    effective_date: date | None = Field(default=None, description="When it happened; default today")
    source: ShortText | None = Field(default=None, description="The document or note it comes from")


class OpenBody(Body):
    """A State's request: opens its engagement. `effective_date` is the day the request arrived."""

    state: str = Field(min_length=1, max_length=100, description="ISO 3166 alpha-3 code or name")
    instruments: tuple[Instrument, ...] = Field(min_length=1)
    partners: tuple[ShortText, ...] = ()
    note: Text | None = None


class LawSummaryBody(Body):
    document: ShortText | None = None
    note: Text | None = None


class FocalPointBody(Body):
    focal_point: FocalPoint | None = None


class GapListBody(Body):
    items: tuple[GapItem, ...] = ()
    note: Text | None = None


class AssistanceActivityBody(Body):
    activity: AssistanceActivity


class AssistanceBody(Body):
    activities: tuple[AssistanceActivity, ...] = ()
    requested: bool = True
    note: Text | None = None


class BillBody(Body):
    bill: Bill


class LegislationBody(Body):
    bills: tuple[Bill, ...] = ()
    note: Text | None = None


class TrainingBody(Body):
    officials_trained: int = Field(default=0, ge=0, le=1_000_000)
    note: Text | None = None


class WithdrawBody(Body):
    reason: Text


# The update each body is sent as, by the name used in paths and forms (the workflow's update names).
COMMANDS: dict[str, tuple[type[Body], type[Command]]] = {
    "open": (OpenBody, OpenEngagement),
    "law_summary": (LawSummaryBody, RecordLawSummary),
    "focal_point": (FocalPointBody, NameFocalPoint),
    "gap_list": (GapListBody, DrawUpGapList),
    "assistance_activity": (AssistanceActivityBody, RecordAssistanceActivity),
    "assistance": (AssistanceBody, ConcludeAssistance),
    "bill": (BillBody, RecordBill),
    "legislation": (LegislationBody, ConcludeLegislation),
    "training": (TrainingBody, RecordTraining),
    "withdraw": (WithdrawBody, Withdraw),
}


def command_of(
    kind: str, body: Body, *, state: str, actor: str, today: date, command_id: str
) -> Command:
    """The command a body asks for, on behalf of `actor`, under the sender's id (default date: today)."""
    command_class = COMMANDS[kind][1]
    fields = {name: getattr(body, name) for name in type(body).model_fields}
    fields |= {
        "state": state,
        "actor": actor,
        "effective_date": body.effective_date or today,
        "command_id": command_id,
    }
    return command_class.model_validate(fields)
