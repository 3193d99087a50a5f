"""The Engagement aggregate: one State's pre-ratification case, from its request to training."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import BaseAggregate

from domain import commands as c
from domain import events as ev
from domain.case import CaseState
from domain.identity import engagement_id
from domain.progress import check
from domain.recorded import already_recorded
from domain.values import BillStage, LegislationOutcome
from domain.views import CaseView, DatedActivity, Reminder

# engagement_id lives in domain.identity (events need it too) and is asked of the aggregate's module.
__all__ = ["Engagement", "engagement_id"]


class Engagement(BaseAggregate[UUID], CaseState):
    """One State's engagement. Public methods decide; events (domain.events) change its state."""

    def __init__(self) -> None:
        """State is set by start(), from the RequestReceived event, on creation and replay."""

    @classmethod
    def open(cls, command: c.Command, state_name: str, recorded_at: datetime) -> Engagement:
        """Record the State's request; `state_name` comes from the participants directory.

        Any other command, with no engagement to take it, is refused by the rules (EngagementNotOpen).
        """
        check(None, command, recorded_at.date())
        assert isinstance(command, c.OpenEngagement), "the rules refuse all but a request here"
        return cls._create(
            ev.RequestReceived,
            id=engagement_id(command.state),
            **_provenance(command, recorded_at),
            state=command.state,
            state_name=state_name,
            instruments=command.instruments,
            partners=command.partners,
            note=command.note,
        )

    def recorded_version(self, command: c.Command) -> int | None:
        """The version at which this very command was recorded, or None if it is new.

        CommandIdReused if its id was recorded for a different command.
        """
        if not already_recorded(self.command_digests(), command):
            return None
        assert command.command_id is not None
        return self.commands[command.command_id][1]

    def execute(self, command: c.Command, recorded_at: datetime) -> None:
        """Check `command` against the rules and record its event, or raise a domain error."""
        check(self.progress, command, recorded_at.date())
        event_class, fields = _EVENT_OF[type(command)](self, command)
        self.trigger_event(
            event_class,
            **_provenance(command, recorded_at, demo=self.demo),
            state=self.progress.state,
            **({"round": self.progress.round} | fields),
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
            law_summary_document=self.law_summary_document,
            focal_point=self.focal_point,
            gap_items=self.gap_items,
            activities=tuple(DatedActivity(effective_date=d, activity=a) for d, a in self.activities),
            assistance_requested=self.assistance_requested,
            bills=progress.bills,
            legislation_outcome=self.legislation_outcome,
            officials_trained=self.officials_trained,
            reminders=tuple(Reminder(step=s, due_date=d, escalated=e) for s, d, e in self.reminders),
            withdrawal_reason=self.withdrawal_reason,
            round=progress.round,
            closed_on=progress.closed_on,
            awaited_since={s: t for s, t in self.awaited_since.items() if s in awaiting},
            awaited_from={s: d for s, d in self.awaited_from.items() if s in awaiting},
            recorded_commands=self.command_digests(),
            documents=self.documents,
        )


Fields = dict[str, Any]
EventChoice = tuple[type[ev.EngagementEvent], Fields]


def _provenance(command: c.Command, recorded_at: datetime, *, demo: bool = False) -> Fields:
    """What every event keeps of the command that recorded it: who, when (both times), on what evidence,
    with what documents.

    Every event of a demo case is demo data, the engine's reminders on it too (`demo`).
    """
    return {
        "demo": command.demo or demo,
        "timestamp": recorded_at,
        "actor": command.actor,
        "effective_date": command.effective_date,
        "source": command.source,
        "command_id": command.command_id,
        "command_digest": command.digest(),
        "door": command.door,
        "documents": command.documents,
    }


def _legislation(engagement: Engagement, command: c.Command) -> EventChoice:
    assert isinstance(command, c.ConcludeLegislation)
    after = engagement.progress.with_bills(command.bills)
    enacted = any(b.stage is BillStage.ENACTED for b in after.bills)
    outcome = LegislationOutcome.ENACTED if enacted else LegislationOutcome.NOT_NEEDED
    return ev.LegislationConcluded, {"outcome": outcome, "bills": command.bills, "note": command.note}


def _new_round(engagement: Engagement, command: c.Command) -> EventChoice:
    assert isinstance(command, c.OpenEngagement)
    fields = {"instruments": command.instruments, "partners": command.partners, "note": command.note}
    return ev.RoundOpened, fields | {"round": engagement.progress.round + 1}


def _instruments(_engagement: Engagement, command: c.Command) -> EventChoice:
    assert isinstance(command, c.ChangeInstruments)
    return ev.InstrumentsChanged, {"added": command.add, "withdrawn": command.remove, "note": command.note}


def _overdue(event_class: type[ev.EngagementEvent]) -> Callable[[Engagement, c.Command], EventChoice]:
    """A reminder or escalation, with both dates its step became awaited (in the world, in the record)."""

    def choose(engagement: Engagement, command: c.Command) -> EventChoice:
        assert isinstance(command, c.SendReminder | c.Escalate)
        return event_class, {
            "step": command.step,
            "due_date": command.due_date,
            "awaited_from": engagement.awaited_from.get(command.step),
            "awaited_recorded_at": engagement.awaited_since.get(command.step),
        }

    return choose


def _fields(*names: str) -> Callable[[c.Command], Fields]:
    return lambda command: {name: getattr(command, name) for name in names}


def _simple(
    event_class: type[ev.EngagementEvent], *names: str
) -> Callable[[Engagement, c.Command], EventChoice]:
    pick = _fields(*names)
    return lambda _engagement, command: (event_class, pick(command))


_EVENT_OF: dict[type[c.Command], Callable[[Engagement, c.Command], EventChoice]] = {
    c.OpenEngagement: _new_round,
    c.ChangeInstruments: _instruments,
    c.RecordLawSummary: _simple(ev.LawSummaryReceived, "document", "note"),
    c.NameFocalPoint: _simple(ev.FocalPointNamed, "focal_point"),
    c.DrawUpGapList: _simple(ev.GapListDrawnUp, "items", "note"),
    c.RecordAssistanceActivity: _simple(ev.AssistanceActivityRecorded, "activity"),
    c.ConcludeAssistance: _simple(ev.AssistanceConcluded, "activities", "requested", "note"),
    c.RecordBill: _simple(ev.BillAdvanced, "bill"),
    c.ConcludeLegislation: _legislation,
    c.RecordTraining: _simple(ev.TrainingHeld, "officials_trained", "note"),
    c.Withdraw: _simple(ev.EngagementWithdrawn, "reason"),
    c.SendReminder: _overdue(ev.ReminderSent),
    c.Escalate: _overdue(ev.StepEscalated),
}
