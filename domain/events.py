"""Events: the facts an engagement records, each with actor, effective date, recorded time and source."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import CanInitAggregate

from domain.attachments import CaseDocument, Documents
from domain.case import CaseState
from domain.facts import Fact
from domain.identity import state_of_engagement
from domain.progress import Progress
from domain.values import (
    AssistanceActivity,
    Bill,
    FocalPoint,
    GapItem,
    Instrument,
    LegislationOutcome,
    ShortText,
    Step,
    Text,
)


class EngagementEvent(Fact):
    """Base of every engagement event: whose engagement, and the command that recorded it.

    `command_id` (the sender's) and `command_digest` (what the command asked) let a retried command
    find itself recorded, and refuse an id given to another command. Events recorded before digests
    were kept have none.
    """

    # Version 2: every event names its State. Stores written before then hold step events without it.
    # Version 3: every event names its round (engagements come in rounds); earlier events are of round 1.
    class_version: ClassVar[int] = 3

    # The step whose record the event is (None for a change of instruments, a withdrawal, a reminder): the
    # step that the documents it carries are attached to.
    attached_to: ClassVar[Step | None] = None

    state: str
    round: int = 1
    command_id: str | None = None
    command_digest: str | None = None
    # The documents attached, by name, size and hash; events recorded before documents were kept carry none.
    documents: Documents = ()

    @staticmethod
    def upcast_v1_v2(stored: dict[str, Any]) -> dict[str, Any]:
        """Name the State on a version 1 event that lacks it, from the engagement id it derives from."""
        if "state" in stored:
            # Events written between the change and its version number already name their State.
            return stored
        return {**stored, "state": state_of_engagement(UUID(str(stored["originator_id"])))}

    @staticmethod
    def upcast_v2_v3(stored: dict[str, Any]) -> dict[str, Any]:
        """Every event stored before rounds belongs to a State's first round."""
        return {**stored, "round": 1}

    def apply(self, aggregate: Any) -> None:
        aggregate.remember(self.command_id, self.command_digest, self.originator_version)
        self.apply_to(aggregate)
        if self.documents:
            # After apply_to: a new round's request starts the round's documents afresh, then adds its own.
            aggregate.documents += tuple(self._filed())

    def _filed(self) -> list[CaseDocument]:
        """The documents the event carries, as the case lists them."""
        kept = {"step": self.attached_to, "event": type(self).__name__, "version": self.originator_version}
        return [
            CaseDocument(**d.model_dump(), **kept, effective_date=self.effective_date) for d in self.documents
        ]

    def apply_to(self, engagement: CaseState) -> None:
        """Change the engagement's state; runs again on every replay, so it decides nothing."""


class RequestReceived(EngagementEvent, CanInitAggregate[UUID]):
    """A State asked for pre-ratification assistance: the engagement is opened."""

    attached_to = Step.REQUEST

    originator_topic: str
    state_name: str
    instruments: tuple[Instrument, ...]
    partners: tuple[ShortText, ...] = ()
    note: Text | None = None

    def apply(self, aggregate: Any) -> None:
        aggregate.start(
            state=self.state,
            state_name=self.state_name,
            received=self.effective_date,
            instruments=self.instruments,
            partners=self.partners,
            at=self.timestamp,
            demo=self.demo,
        )
        super().apply(aggregate)


class RoundOpened(EngagementEvent):
    """A State whose engagement was completed or withdrawn asked again: its next round is opened."""

    attached_to = Step.REQUEST

    instruments: tuple[Instrument, ...]
    partners: tuple[ShortText, ...] = ()
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        progress = Progress(
            state=self.state, received=self.effective_date, instruments=self.instruments, round=self.round
        )
        engagement.begin_round(progress, partners=self.partners, at=self.timestamp)


class InstrumentsChanged(EngagementEvent):
    """Instruments were added to the request of an open round, or that part of the request withdrawn."""

    added: tuple[Instrument, ...] = ()
    withdrawn: tuple[Instrument, ...] = ()
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.progress = engagement.progress.with_instruments(self.added, self.withdrawn)


class LawSummaryReceived(EngagementEvent):
    """The State sent its summary of criminal law, legislation and case law."""

    attached_to = Step.LAW_SUMMARY

    document: ShortText | None = None
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.law_summary_document = self.document
        engagement.complete(Step.LAW_SUMMARY, self.timestamp, self.effective_date)


class FocalPointNamed(EngagementEvent):
    """The State named its focal point."""

    attached_to = Step.FOCAL_POINT

    focal_point: FocalPoint | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.focal_point = self.focal_point
        engagement.complete(Step.FOCAL_POINT, self.timestamp, self.effective_date)


class GapListDrawnUp(EngagementEvent):
    """The provisions and needs to bring into conformity were listed."""

    attached_to = Step.GAP_LIST

    items: tuple[GapItem, ...] = ()
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.gap_items = self.items
        engagement.complete(Step.GAP_LIST, self.timestamp, self.effective_date)


class AssistanceActivityRecorded(EngagementEvent):
    """One assistance activity took place."""

    attached_to = Step.ASSISTANCE

    activity: AssistanceActivity

    def apply_to(self, engagement: CaseState) -> None:
        engagement.activities += ((self.effective_date, self.activity),)


class AssistanceConcluded(EngagementEvent):
    """Assistance ended, or was not requested."""

    attached_to = Step.ASSISTANCE

    activities: tuple[AssistanceActivity, ...] = ()
    requested: bool = True
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.activities += tuple((self.effective_date, a) for a in self.activities)
        engagement.assistance_requested = self.requested
        engagement.complete(Step.ASSISTANCE, self.timestamp, self.effective_date)


class BillAdvanced(EngagementEvent):
    """A bill was drafted, submitted to parliament, or enacted."""

    attached_to = Step.LEGISLATION

    bill: Bill

    def apply_to(self, engagement: CaseState) -> None:
        engagement.progress = engagement.progress.with_bills([self.bill])


class LegislationConcluded(EngagementEvent):
    """The legislation step ended: bills enacted, or no legislation needed."""

    attached_to = Step.LEGISLATION

    outcome: LegislationOutcome
    bills: tuple[Bill, ...] = ()
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.progress = engagement.progress.with_bills(self.bills)
        engagement.legislation_outcome = self.outcome
        engagement.complete(Step.LEGISLATION, self.timestamp, self.effective_date)


class TrainingHeld(EngagementEvent):
    """Officials were trained in the instruments and the new law; the engagement is completed."""

    attached_to = Step.TRAINING

    officials_trained: int = 0
    note: Text | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.officials_trained = self.officials_trained
        engagement.complete(Step.TRAINING, self.timestamp, self.effective_date)


class EngagementWithdrawn(EngagementEvent):
    """The engagement was withdrawn and takes no more steps."""

    reason: Text

    def apply_to(self, engagement: CaseState) -> None:
        engagement.withdrawal_reason = self.reason
        engagement.progress = engagement.progress.withdrawn(self.effective_date)


class ReminderSent(EngagementEvent):
    """A step was overdue and a reminder went out.

    Its due period counted from `awaited_from`, the day the step became awaited in the world; the step was
    recorded as awaited at `awaited_recorded_at`. Reminders recorded before these were kept have neither.
    """

    step: Step
    due_date: date
    awaited_from: date | None = None
    awaited_recorded_at: datetime | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.reminders += ((self.step, self.due_date, False),)


class StepEscalated(EngagementEvent):
    """An overdue step stayed overdue after its reminder and went to a manager (dates as ReminderSent's)."""

    step: Step
    due_date: date
    awaited_from: date | None = None
    awaited_recorded_at: datetime | None = None

    def apply_to(self, engagement: CaseState) -> None:
        engagement.reminders += ((self.step, self.due_date, True),)
