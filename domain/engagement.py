"""The Engagement aggregate: one State's pre-ratification case, from its request to training."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import BaseAggregate

from domain import events as ev
from domain.commands import (
    Command,
    ConcludeAssistance,
    ConcludeLegislation,
    DrawUpGapList,
    Escalate,
    NameFocalPoint,
    OpenEngagement,
    RecordAssistanceActivity,
    RecordBill,
    RecordLawSummary,
    RecordTraining,
    SendReminder,
    Withdraw,
)
from domain.identity import engagement_id
from domain.progress import Progress, check
from domain.recorded import UNKNOWN_DIGEST, already_recorded
from domain.values import (
    AssistanceActivity,
    BillStage,
    FocalPoint,
    GapItem,
    LegislationOutcome,
    Step,
)
from domain.views import CaseView, DatedActivity, Reminder

# engagement_id lives in domain.identity (events need it too) and is asked of the aggregate's module.
__all__ = ["Engagement", "engagement_id"]


class Engagement(BaseAggregate[UUID]):
    """One State's engagement. Public methods decide; events (domain.events) change state."""

    progress: Progress
    state_name: str
    partners: tuple[str, ...]
    law_summary: ev.LawSummaryReceived | None
    focal_point: FocalPoint | None
    gap_items: tuple[GapItem, ...]
    activities: tuple[tuple[date, AssistanceActivity], ...]
    assistance_requested: bool | None
    legislation_outcome: LegislationOutcome | None
    officials_trained: int | None
    reminders: tuple[tuple[Step, date, bool], ...]
    withdrawal_reason: str | None
    # Each command recorded, by its id: the digest of what it asked and the version it recorded.
    commands: dict[str, tuple[str, int]]
    awaited_since: dict[Step, datetime]

    def __init__(self) -> None:
        """State is set by start(), from the RequestReceived event, on creation and replay."""

    @classmethod
    def open(cls, command: OpenEngagement, state_name: str, recorded_at: datetime) -> Engagement:
        """Record the State's request; `state_name` comes from the participants directory."""
        check(None, command, recorded_at.date())
        return cls._create(
            ev.RequestReceived,
            id=engagement_id(command.state),
            timestamp=recorded_at,
            actor=command.actor,
            effective_date=command.effective_date,
            source=command.source,
            command_id=command.command_id,
            command_digest=command.digest(),
            state=command.state,
            state_name=state_name,
            instruments=command.instruments,
            partners=command.partners,
            note=command.note,
        )

    def start(self, event: ev.RequestReceived) -> None:
        self.progress = Progress(
            state=event.state, received=event.effective_date, instruments=event.instruments
        )
        self.state_name = event.state_name
        self.partners = event.partners
        self.law_summary = None
        self.focal_point = None
        self.gap_items = ()
        self.activities = ()
        self.assistance_requested = None
        self.legislation_outcome = None
        self.officials_trained = None
        self.reminders = ()
        self.withdrawal_reason = None
        self.commands = {}
        self.awaited_since = dict.fromkeys(self.progress.awaiting(), event.timestamp)

    def complete(self, step: Step, at: datetime) -> None:
        """Mark `step` done at recorded time `at`; steps it makes awaited are awaited from `at`."""
        self.progress = self.progress.completing(step)
        awaited = self.progress.awaiting()
        self.awaited_since = {s: self.awaited_since.get(s, at) for s in awaited}

    def recorded_version(self, command: Command) -> int | None:
        """The version at which this very command was recorded, or None if it is new.

        CommandIdReused if its id was recorded for a different command.
        """
        if not already_recorded(self.command_digests(), command):
            return None
        assert command.command_id is not None
        return self.commands[command.command_id][1]

    def command_digests(self) -> dict[str, str]:
        return {command_id: digest for command_id, (digest, _version) in self.commands.items()}

    def remember(self, command_id: str | None, digest: str | None, version: int) -> None:
        """Keep a recorded command's id (events call this; it decides nothing)."""
        if command_id is not None:
            self.commands[command_id] = (digest or UNKNOWN_DIGEST, version)

    def execute(self, command: Command, recorded_at: datetime) -> None:
        """Check `command` against the rules and record its event, or raise a domain error."""
        check(self.progress, command, recorded_at.date())
        event_class, fields = _EVENT_OF[type(command)](self, command)
        self.trigger_event(
            event_class,
            timestamp=recorded_at,
            actor=command.actor,
            effective_date=command.effective_date,
            source=command.source,
            command_id=command.command_id,
            command_digest=command.digest(),
            state=self.progress.state,
            **fields,
        )

    def view(self) -> CaseView:
        """The case as officers, the workflow and the command line see it."""
        progress = self.progress
        awaiting = progress.awaiting()
        return CaseView(
            state=progress.state,
            state_name=self.state_name,
            status=progress.status,
            stage=progress.stage,
            completed_steps=progress.completed,
            awaiting=awaiting,
            instruments=progress.instruments,
            partners=self.partners,
            received=progress.received,
            version=self.version,
            opened_at=self.created_on,
            modified_at=self.modified_on,
            law_summary_document=self.law_summary.document if self.law_summary else None,
            focal_point=self.focal_point,
            gap_items=self.gap_items,
            activities=tuple(DatedActivity(effective_date=d, activity=a) for d, a in self.activities),
            assistance_requested=self.assistance_requested,
            bills=progress.bills,
            legislation_outcome=self.legislation_outcome,
            officials_trained=self.officials_trained,
            reminders=tuple(Reminder(step=s, due_date=d, escalated=e) for s, d, e in self.reminders),
            withdrawal_reason=self.withdrawal_reason,
            awaited_since={s: t for s, t in self.awaited_since.items() if s in awaiting},
            recorded_commands=self.command_digests(),
        )


Fields = dict[str, Any]
EventChoice = tuple[type[ev.EngagementEvent], Fields]


def _legislation(engagement: Engagement, command: Command) -> EventChoice:
    assert isinstance(command, ConcludeLegislation)
    after = engagement.progress.with_bills(command.bills)
    enacted = any(b.stage is BillStage.ENACTED for b in after.bills)
    outcome = LegislationOutcome.ENACTED if enacted else LegislationOutcome.NOT_NEEDED
    return ev.LegislationConcluded, {"outcome": outcome, "bills": command.bills, "note": command.note}


def _fields(*names: str) -> Callable[[Command], Fields]:
    return lambda command: {name: getattr(command, name) for name in names}


def _simple(
    event_class: type[ev.EngagementEvent], *names: str
) -> Callable[[Engagement, Command], EventChoice]:
    pick = _fields(*names)
    return lambda _engagement, command: (event_class, pick(command))


_EVENT_OF: dict[type[Command], Callable[[Engagement, Command], EventChoice]] = {
    RecordLawSummary: _simple(ev.LawSummaryReceived, "document", "note"),
    NameFocalPoint: _simple(ev.FocalPointNamed, "focal_point"),
    DrawUpGapList: _simple(ev.GapListDrawnUp, "items", "note"),
    RecordAssistanceActivity: _simple(ev.AssistanceActivityRecorded, "activity"),
    ConcludeAssistance: _simple(ev.AssistanceConcluded, "activities", "requested", "note"),
    RecordBill: _simple(ev.BillAdvanced, "bill"),
    ConcludeLegislation: _legislation,
    RecordTraining: _simple(ev.TrainingHeld, "officials_trained", "note"),
    Withdraw: _simple(ev.EngagementWithdrawn, "reason"),
    SendReminder: _simple(ev.ReminderSent, "step", "due_date"),
    Escalate: _simple(ev.StepEscalated, "step", "due_date"),
}
