"""The case as officers, the workflow query and the command line see it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.progress import Progress
from domain.values import (
    AssistanceActivity,
    Bill,
    FocalPoint,
    GapItem,
    Instrument,
    LegislationOutcome,
    Status,
    Step,
    Value,
)


class DatedActivity(Value):
    """An assistance activity with the day it took place."""

    effective_date: date
    activity: AssistanceActivity


class Reminder(Value):
    """A reminder (or, when `escalated`, an escalation) about an overdue step."""

    step: Step
    due_date: date
    escalated: bool


class CaseView(Value):
    """A snapshot of one engagement."""

    state: str
    state_name: str
    status: Status
    stage: Step | None
    completed_steps: tuple[Step, ...]
    awaiting: tuple[Step, ...]
    instruments: tuple[Instrument, ...]
    partners: tuple[str, ...]
    received: date
    version: int
    opened_at: datetime
    modified_at: datetime
    law_summary_document: str | None = None
    focal_point: FocalPoint | None = None
    gap_items: tuple[GapItem, ...] = ()
    activities: tuple[DatedActivity, ...] = ()
    assistance_requested: bool | None = None
    bills: tuple[Bill, ...] = ()
    legislation_outcome: LegislationOutcome | None = None
    officials_trained: int | None = None
    reminders: tuple[Reminder, ...] = ()
    withdrawal_reason: str | None = None
    # When each awaited step became awaited (a recorded time): due periods count from it.
    awaited_since: dict[Step, datetime] = Field(default_factory=dict)
    # The id of every command recorded, with its digest: the workflow tells a retry from a new command
    # by them. A view that an older history carries has none.
    recorded_commands: dict[str, str] = Field(default_factory=dict)


def progress_of(case: CaseView | None) -> Progress | None:
    """The order-rule state behind a case snapshot."""
    if case is None:
        return None
    return Progress(
        state=case.state,
        status=case.status,
        received=case.received,
        instruments=case.instruments,
        completed=case.completed_steps,
        bills=case.bills,
    )
