"""Commands: what an officer (or the engagement's own timers) asks the engagement to record."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictBool, StrictInt, StringConstraints, field_validator

from domain.attachments import Documents
from domain.values import (
    AssistanceActivity,
    Bill,
    Door,
    FocalPoint,
    GapItem,
    Instrument,
    ShortText,
    Step,
    Text,
    Value,
)


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


StateCode = Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=r"^[A-Z]{3}$")]


# What names a command and how it came, not what it asks: its digest leaves these out.
UNASKED = frozenset({"command_id", "door", "door_seal", "demo"})
# What every command may carry besides what its own kind asks: who sends it and when, on what evidence,
# with what documents attached.
ENVELOPE = frozenset({"kind", "state", "actor", "effective_date", "source", "documents", *UNASKED})


class Command(Value):
    """Fields every command carries: whose engagement, who acts, when it happened, on what evidence."""

    kind: str
    state: StateCode
    actor: ShortText = "officer"
    effective_date: date
    source: ShortText | None = None
    # Named by the sender (the command line, the web app, the API's Idempotency-Key, the update's id),
    # and the same on every retry: a command is recorded once under its id, however often it arrives.
    command_id: ShortText | None = None
    # The door a sender claims, with a keyed hash that proves it (domain.doors); the store records a
    # claim it cannot verify as Temporal's.
    door: Door | None = None
    door_seal: ShortText | None = None
    # Demo data (domain.facts.Fact.demo): set by the demo loader alone; no body, form or option carries it.
    demo: bool = False
    # Documents attached to the step (domain.attachments): their names, sizes and hashes, never their bytes,
    # which are stored by their hash before the command is sent.
    documents: Documents = ()

    def digest(self) -> str:
        """What the command asks, whatever its id: two sendings under one id must agree on it.

        Fields left at their defaults are left out, so that a field added later with a default does
        not make a retry of an older command look like another command.
        """
        asked = self.model_dump(mode="json", exclude=set(UNASKED), exclude_defaults=True)
        canonical = json.dumps([self.kind, asked], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class OpenEngagement(Command):
    """Record a State's request for pre-ratification assistance."""

    kind: Literal["open"] = "open"
    instruments: tuple[Instrument, ...] = Field(min_length=1)
    partners: tuple[ShortText, ...] = ()
    note: Text | None = None

    @field_validator("instruments")
    @classmethod
    def _distinct(cls, value: tuple[Instrument, ...]) -> tuple[Instrument, ...]:
        return tuple(dict.fromkeys(value))


class ChangeInstruments(Command):
    """Add instruments to an open engagement's request, or withdraw that part of the request."""

    kind: Literal["instruments"] = "instruments"
    add: tuple[Instrument, ...] = ()
    remove: tuple[Instrument, ...] = ()
    note: Text | None = None

    @field_validator("add", "remove")
    @classmethod
    def _distinct(cls, value: tuple[Instrument, ...]) -> tuple[Instrument, ...]:
        return tuple(dict.fromkeys(value))


class RecordLawSummary(Command):
    """Record the State's summary of its criminal law, legislation and case law."""

    kind: Literal["law_summary"] = "law_summary"
    document: ShortText | None = None
    note: Text | None = None


class NameFocalPoint(Command):
    """Record the focal point the State named."""

    kind: Literal["focal_point"] = "focal_point"
    focal_point: FocalPoint | None = None


class DrawUpGapList(Command):
    """Record the list of provisions and needs to bring into conformity."""

    kind: Literal["gap_list"] = "gap_list"
    items: tuple[GapItem, ...] = ()
    note: Text | None = None


class RecordAssistanceActivity(Command):
    """Record one assistance activity while assistance goes on."""

    kind: Literal["assistance_activity"] = "assistance_activity"
    activity: AssistanceActivity


class ConcludeAssistance(Command):
    """Close the assistance step, with any last activities; `requested` false if none was asked."""

    kind: Literal["assistance"] = "assistance"
    activities: tuple[AssistanceActivity, ...] = ()
    requested: StrictBool = True
    note: Text | None = None


class RecordBill(Command):
    """Record a bill reaching a stage: drafted, submitted to parliament, or enacted."""

    kind: Literal["bill"] = "bill"
    bill: Bill


class ConcludeLegislation(Command):
    """Close the legislation step: bills enacted, or legislation not needed."""

    kind: Literal["legislation"] = "legislation"
    bills: tuple[Bill, ...] = ()
    note: Text | None = None


class RecordTraining(Command):
    """Record the training of officials, which completes the engagement."""

    kind: Literal["training"] = "training"
    officials_trained: StrictInt = Field(default=0, ge=0, le=1_000_000)
    note: Text | None = None


class Withdraw(Command):
    """Withdraw the engagement; it takes no more steps."""

    kind: Literal["withdraw"] = "withdraw"
    reason: Text


class SendReminder(Command):
    """Record that a step is overdue and a reminder went out."""

    kind: Literal["reminder"] = "reminder"
    step: Step
    due_date: date


class Escalate(Command):
    """Record that an overdue step was escalated to a manager."""

    kind: Literal["escalation"] = "escalation"
    step: Step
    due_date: date


AnyCommand = Annotated[
    OpenEngagement
    | ChangeInstruments
    | RecordLawSummary
    | NameFocalPoint
    | DrawUpGapList
    | RecordAssistanceActivity
    | ConcludeAssistance
    | RecordBill
    | ConcludeLegislation
    | RecordTraining
    | Withdraw
    | SendReminder
    | Escalate,
    Field(discriminator="kind"),
]
