"""The case as officers, the workflow query and the command line see it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field

from domain import values as v
from domain.attachments import CaseDocument
from domain.progress import Progress

# Counted from the day a step became awaited in the world, a step entered late is overdue at once; its
# reminder waits this long after the step was recorded as awaited (CaseView.reminder_at).
LATE_ENTRY_GRACE = timedelta(days=1)


class DatedActivity(v.Value):
    """An assistance activity with the day it took place."""

    effective_date: date
    activity: v.AssistanceActivity


class Reminder(v.Value):
    """A reminder (or, when `escalated`, an escalation) about an overdue step."""

    step: v.Step
    due_date: date
    escalated: bool


class CaseView(v.Value):
    """A snapshot of one engagement."""

    state: str
    state_name: str
    status: v.Status
    stage: v.Step | None
    completed_steps: tuple[v.Step, ...]
    awaiting: tuple[v.Step, ...]
    instruments: tuple[v.Instrument, ...]
    partners: tuple[str, ...]
    received: date
    version: int
    opened_at: datetime
    modified_at: datetime
    law_summary_document: str | None = None
    focal_point: v.FocalPoint | None = None
    gap_items: tuple[v.GapItem, ...] = ()
    activities: tuple[DatedActivity, ...] = ()
    assistance_requested: bool | None = None
    bills: tuple[v.Bill, ...] = ()
    legislation_outcome: v.LegislationOutcome | None = None
    officials_trained: int | None = None
    reminders: tuple[Reminder, ...] = ()
    withdrawal_reason: str | None = None
    # The round this is of the State's engagement (a State may ask again once a round is closed), and the
    # effective date the round was completed or withdrawn. Views an older history carries are of round 1.
    round: int = 1
    closed_on: date | None = None
    # When each awaited step became awaited: the recorded time, and the day in the world (due periods
    # count from it). A view an older history carries has only the first.
    awaited_since: dict[v.Step, datetime] = Field(default_factory=dict)
    awaited_from: dict[v.Step, date] = Field(default_factory=dict)
    # The id of every command recorded, with its digest: the workflow tells a retry from a new command
    # by them. A view that an older history carries has none.
    recorded_commands: dict[str, str] = Field(default_factory=dict)
    # The documents attached to the round's steps, with the event that recorded each (names, sizes and
    # hashes; the bytes are kept apart). A view that an older history carries has none.
    documents: tuple[CaseDocument, ...] = ()

    def awaited_at(self, step: v.Step) -> datetime:
        """When `step` became awaited, as its due period counts it: the day it became awaited in the world, at
        the hour it was recorded as awaited. A step entered late is late at once; one recorded the day it
        happened falls due a due period after it was recorded. Views older histories carry count from the
        recorded time alone."""
        recorded = self.awaited_since.get(step, self.modified_at)
        effective = self.awaited_from.get(step)
        if effective is None:
            return recorded
        return min(recorded, datetime.combine(effective, recorded.timetz()))

    def reminder_at(self, step: v.Step, period: timedelta) -> datetime:
        """When the reminder about `step` is due, for a due period of `period`: when the step falls due, but
        no sooner than LATE_ENTRY_GRACE after it was recorded as awaited, so that an officer bringing a case
        up to date is not reminded of the steps they are about to enter. Escalation is a period later."""
        recorded = self.awaited_since.get(step, self.modified_at)
        return max(self.awaited_at(step) + period, recorded + LATE_ENTRY_GRACE)


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
        round=case.round,
        closed_on=case.closed_on,
    )
