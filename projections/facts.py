"""From events to fact rows: what each stored event adds to the read model, and what it supersedes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from domain import events as ev
from domain.facts import Fact
from domain.outreach import CooperationActivityRecorded, MeetingCorrected, MeetingDetails, MeetingHeld
from domain.treaty import ActionKind, TreatyActionCorrected, TreatyActionRecorded
from domain.values import BillStage, Step

if TYPE_CHECKING:
    from collections.abc import Iterable

# The kinds of fact rows; figure queries name them.
SIGNATURE, PARTY = "signature", "party"
REQUEST, STEP, GAP_ITEM, WITHDRAWAL = "request", "step", "gap_item", "withdrawal"
ASSISTANCE, BILL, REMINDER, ESCALATION = "assistance_activity", "bill", "reminder", "escalation"
MEETING, MEETING_PARTICIPANT, COOPERATION = "meeting", "meeting_participant", "cooperation"
# The rows a later event may supersede: only treaty actions and meetings are corrected (see `project`).
CORRECTABLE = (SIGNATURE, PARTY, MEETING, MEETING_PARTICIPANT)


# Plain frozen dataclasses, not pydantic models: a rebuild makes them for every event and row, from values
# already validated with the event, and validating them again was a third of its time (bench.rebuild).
@dataclass(frozen=True, slots=True)
class EventRef:
    """Where a stored event is: its application's log position and its aggregate and version."""

    application: str
    position: int
    origin: str
    version: int
    event_type: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class FactRow:
    """One countable fact with its two times; `superseded_at` is set when a correction replaces it."""

    fact: str
    subject: str
    object: str
    effective_date: date
    ref: EventRef


@dataclass(frozen=True, slots=True)
class Projected:
    """What one event does to the read model: rows to add, and whether its aggregate's rows are replaced."""

    ref: EventRef
    supersedes: bool = False
    rows: tuple[FactRow, ...] = ()


STEP_EVENTS: dict[type[ev.EngagementEvent], Step] = {
    ev.LawSummaryReceived: Step.LAW_SUMMARY,
    ev.FocalPointNamed: Step.FOCAL_POINT,
    ev.GapListDrawnUp: Step.GAP_LIST,
    ev.AssistanceConcluded: Step.ASSISTANCE,
    ev.LegislationConcluded: Step.LEGISLATION,
    ev.TrainingHeld: Step.TRAINING,
}


def _engagement_rows(event: ev.EngagementEvent) -> Iterable[tuple[str, str, str]]:
    state = event.state
    if isinstance(event, ev.RequestReceived):
        yield REQUEST, state, ",".join(i.value for i in event.instruments)
        yield STEP, state, Step.REQUEST.value
    step = STEP_EVENTS.get(type(event))
    if step is not None:
        yield STEP, state, step.value
    if isinstance(event, ev.GapListDrawnUp):
        for item in event.items:
            yield GAP_ITEM, state, item.checklist_item
    elif isinstance(event, ev.AssistanceActivityRecorded):
        yield ASSISTANCE, state, event.activity.kind.value
    elif isinstance(event, ev.AssistanceConcluded):
        for activity in event.activities:
            yield ASSISTANCE, state, activity.kind.value
    elif isinstance(event, ev.BillAdvanced):
        yield BILL, state, event.bill.stage.value
    elif isinstance(event, ev.LegislationConcluded):
        for bill in event.bills:
            yield BILL, state, bill.stage.value if bill.stage else BillStage.ENACTED.value
    elif isinstance(event, ev.EngagementWithdrawn):
        yield WITHDRAWAL, state, ""
    elif isinstance(event, ev.ReminderSent):
        yield REMINDER, state, event.step.value
    elif isinstance(event, ev.StepEscalated):
        yield ESCALATION, state, event.step.value


def _meeting_rows(meeting: str, details: MeetingDetails) -> Iterable[tuple[str, str, str]]:
    yield MEETING, meeting, details.kind.value
    for participant in details.participants:
        yield MEETING_PARTICIPANT, participant, meeting


def _treaty_row(participant: str, instrument: str, kind: ActionKind) -> tuple[str, str, str]:
    return (PARTY if kind.makes_party else SIGNATURE), participant, instrument


def project(event: Fact, application: str, position: int) -> Projected:
    """The rows one stored event contributes. Unknown event types contribute nothing."""
    ref = EventRef(
        application=application,
        position=position,
        origin=str(event.originator_id),
        version=event.originator_version,
        event_type=type(event).__name__,
        recorded_at=event.timestamp,
    )
    triples: list[tuple[str, str, str]] = []
    supersedes = False
    if isinstance(event, ev.EngagementEvent):
        triples = list(_engagement_rows(event))
    elif isinstance(event, TreatyActionRecorded | TreatyActionCorrected):
        supersedes = isinstance(event, TreatyActionCorrected)
        triples = [_treaty_row(event.participant, event.instrument.value, event.kind)]
    elif isinstance(event, MeetingHeld | MeetingCorrected):
        supersedes = isinstance(event, MeetingCorrected)
        triples = list(_meeting_rows(str(event.originator_id), event.details))
    elif isinstance(event, CooperationActivityRecorded):
        triples = [(COOPERATION, event.state, event.kind.value)]
    rows = tuple(
        FactRow(fact=fact, subject=subject, object=obj, effective_date=event.effective_date, ref=ref)
        for fact, subject, obj in triples
    )
    return Projected(ref=ref, supersedes=supersedes, rows=rows)
