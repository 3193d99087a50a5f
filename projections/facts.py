"""From events to fact rows: what each stored event adds to the read model, and what it supersedes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from domain import events as ev
from domain.facts import Fact
from domain.outreach import CooperationActivityRecorded, MeetingCorrected, MeetingDetails, MeetingHeld
from domain.questionnaires import Answer, QuestionnaireSent, Sending
from domain.reservations import TreatyStatementRecorded
from domain.treaty import ActionKind, TreatyActionCorrected, TreatyActionRecorded
from domain.values import BillStage, Step

# The kinds of fact rows; figure queries name them.
SIGNATURE, PARTY = "signature", "party"
REQUEST, STEP, GAP_ITEM, WITHDRAWAL = "request", "step", "gap_item", "withdrawal"
ASSISTANCE, BILL, REMINDER, ESCALATION = "assistance_activity", "bill", "reminder", "escalation"
MEETING, MEETING_PARTICIPANT, COOPERATION = "meeting", "meeting_participant", "cooperation"
# A sending of a questionnaire (subject: the sending), each State it went to, and each State's reply.
SENDING, QUESTIONNAIRE_SENT, QUESTIONNAIRE_REPLY = (
    "questionnaire_sending",
    "questionnaire_sent",
    "questionnaire_reply",
)
# A reservation, declaration or objection: its object is `<instrument>.art<N>.<kind>` (`general` for none).
STATEMENT = "statement"
# The rows a later event may supersede: only treaty actions and meetings are corrected (see `project`).
CORRECTABLE = (SIGNATURE, PARTY, MEETING, MEETING_PARTICIPANT)

Triple = tuple[str, str, str]
# The rows an event of one type contributes, from the event and its aggregate's id as text.
Rule = Callable[[Any, str], tuple[Triple, ...]]


# Not pydantic models: a rebuild makes them for every event and row, from values already validated with the
# event, and validating them again was a third of its time (bench.rebuild). The two made for every event are
# named tuples, which are made in a third of the time of a frozen dataclass.
class EventRef(NamedTuple):
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
    demo: bool = False


class Projected(NamedTuple):
    """What one event does to the read model: rows to add, and whether its aggregate's rows are replaced.

    The rows are kept as (fact, subject, object) with the date and event they share: the stores write
    them from these, and making a FactRow of each was a tenth of a rebuild's time (bench.rebuild).
    """

    ref: EventRef
    supersedes: bool = False
    triples: tuple[Triple, ...] = ()
    effective_date: date = date.min
    # Demo data (domain.facts.Fact.demo): the figures leave its rows out unless asked for them.
    demo: bool = False
    # When its facts were known, if before they were recorded (domain.facts.Fact.known_on).
    known_from: datetime | None = None

    @property
    def rows(self) -> tuple[FactRow, ...]:
        return tuple(
            FactRow(
                fact=fact,
                subject=subject,
                object=obj,
                effective_date=self.effective_date,
                ref=self.ref,
                demo=self.demo,
            )
            for fact, subject, obj in self.triples
        )


STEP_EVENTS: dict[type[ev.EngagementEvent], Step] = {
    ev.LawSummaryReceived: Step.LAW_SUMMARY,
    ev.FocalPointNamed: Step.FOCAL_POINT,
    ev.GapListDrawnUp: Step.GAP_LIST,
    ev.AssistanceConcluded: Step.ASSISTANCE,
    ev.LegislationConcluded: Step.LEGISLATION,
    ev.TrainingHeld: Step.TRAINING,
}


def _gap_items(event: Any, state: str) -> tuple[Triple, ...]:
    return tuple([(GAP_ITEM, state, item.checklist_item) for item in event.items])


def _activity(event: Any, state: str) -> tuple[Triple, ...]:
    return ((ASSISTANCE, state, event.activity.kind.value),)


def _activities(event: Any, state: str) -> tuple[Triple, ...]:
    return tuple([(ASSISTANCE, state, activity.kind.value) for activity in event.activities])


def _bill(event: Any, state: str) -> tuple[Triple, ...]:
    return ((BILL, state, event.bill.stage.value),)


def _bills(event: Any, state: str) -> tuple[Triple, ...]:
    return tuple([(BILL, state, b.stage.value if b.stage else BillStage.ENACTED.value) for b in event.bills])


def _withdrawal(event: Any, state: str) -> tuple[Triple, ...]:
    return ((WITHDRAWAL, state, ""),)


def _reminder(event: Any, state: str) -> tuple[Triple, ...]:
    return ((REMINDER, state, event.step.value),)


def _escalation(event: Any, state: str) -> tuple[Triple, ...]:
    return ((ESCALATION, state, event.step.value),)


# The rows an engagement event adds beside its step, by the first of these classes it is an instance of.
ENGAGEMENT_ROWS: tuple[tuple[type[ev.EngagementEvent], Callable[[Any, str], tuple[Triple, ...]]], ...] = (
    (ev.GapListDrawnUp, _gap_items),
    (ev.AssistanceActivityRecorded, _activity),
    (ev.AssistanceConcluded, _activities),
    (ev.BillAdvanced, _bill),
    (ev.LegislationConcluded, _bills),
    (ev.EngagementWithdrawn, _withdrawal),
    (ev.ReminderSent, _reminder),
    (ev.StepEscalated, _escalation),
)


def of_round(value: str, round_number: int) -> str:
    """A step (or withdrawal) row's object: as it always was in a first round; `value/N` in round N."""
    return value if round_number == 1 else f"{value}/{round_number}"


def round_of(obj: str) -> tuple[str, int]:
    """The step (or withdrawal) and the round a row's object names (see `of_round`)."""
    value, _, number = obj.partition("/")
    return value, int(number) if number else 1


def _engagement_rule(kind: type[ev.EngagementEvent]) -> Rule:
    """A request (of any round) adds its request and step rows; a step event its step; some events rows of
    their own. A request row per round: requests are counted, States apart."""
    request = issubclass(kind, ev.RequestReceived | ev.RoundOpened)
    step = STEP_EVENTS.get(kind)
    step_value = None if step is None else step.value
    withdrawal = issubclass(kind, ev.EngagementWithdrawn)
    own = (
        None if withdrawal else next((rows for base, rows in ENGAGEMENT_ROWS if issubclass(kind, base)), None)
    )

    def rule(event: Any, origin: str) -> tuple[Triple, ...]:
        state: str = event.state
        number: int = event.round
        rows: tuple[Triple, ...] = ()
        if request:
            instruments = ",".join(i.value for i in event.instruments)
            rows = ((REQUEST, state, instruments), (STEP, state, of_round(Step.REQUEST.value, number)))
        if step_value is not None:
            rows += ((STEP, state, of_round(step_value, number)),)
        if withdrawal:
            rows += ((WITHDRAWAL, state, of_round("", number)),)
        return rows if own is None else rows + own(event, state)

    return rule


def _meeting_rows(meeting: str, details: MeetingDetails) -> Iterable[Triple]:
    yield MEETING, meeting, details.kind.value
    for participant in details.participants:
        yield MEETING_PARTICIPANT, participant, meeting


def _sending_rows(event: Any, origin: str, first: bool) -> tuple[Triple, ...]:
    questionnaire = event.questionnaire.value
    rows = tuple((QUESTIONNAIRE_SENT, state, questionnaire) for state in event.states)
    return ((SENDING, origin, questionnaire), *rows) if first else rows


def _treaty_row(participant: str, instrument: str, kind: ActionKind) -> Triple:
    return (PARTY if kind.makes_party else SIGNATURE), participant, instrument


def statement_key(event: TreatyStatementRecorded) -> str:
    """What a statement is counted under: its instrument, its article and its kind."""
    article = f"art{event.article}" if event.article else "general"
    return f"{event.instrument.value}.{article}.{event.kind.value}"


def _rule_of(kind: type[Fact]) -> tuple[bool, Rule]:
    """Whether events of `kind` supersede, and their rows' rule: chosen once per type, since isinstance
    tests against pydantic's (ABCMeta) classes for every event, and frozen dataclasses, made `project`
    take twice as long (bench.rebuild)."""
    if issubclass(kind, ev.EngagementEvent):
        return False, _engagement_rule(kind)
    if issubclass(kind, TreatyActionRecorded | TreatyActionCorrected):
        return issubclass(kind, TreatyActionCorrected), lambda event, origin: (
            _treaty_row(event.participant, event.instrument.value, event.kind),
        )
    if issubclass(kind, MeetingHeld | MeetingCorrected):
        return issubclass(kind, MeetingCorrected), lambda event, origin: tuple(
            _meeting_rows(origin, event.details)
        )
    if issubclass(kind, TreatyStatementRecorded):
        return False, lambda event, origin: ((STATEMENT, event.participant, statement_key(event)),)
    if issubclass(kind, CooperationActivityRecorded):
        return False, lambda event, origin: ((COOPERATION, event.state, event.kind.value),)
    if issubclass(kind, Sending):
        first = issubclass(kind, QuestionnaireSent)
        return False, lambda event, origin: _sending_rows(event, origin, first)
    if issubclass(kind, Answer):
        return False, lambda event, origin: ((QUESTIONNAIRE_REPLY, event.state, event.questionnaire.value),)
    return False, lambda event, origin: ()


_RULES: dict[type[Fact], tuple[bool, Rule]] = {}


def _known_from(event: Fact) -> datetime | None:
    """The start of the day the event's facts were known, if before they were recorded; else None, and they
    count from their recording."""
    if event.known_on is None:
        return None
    on = event.known_on
    start = datetime(on.year, on.month, on.day, tzinfo=UTC)
    return start if start < event.timestamp else None


def project(event: Fact, application: str, position: int) -> Projected:
    """The rows one stored event contributes. Unknown event types contribute nothing."""
    kind = type(event)
    known = _RULES.get(kind)
    if known is None:
        known = _RULES[kind] = _rule_of(kind)
    supersedes, rule = known
    origin = str(event.originator_id)
    ref = EventRef(application, position, origin, event.originator_version, kind.__name__, event.timestamp)
    known_from = _known_from(event)
    return Projected(ref, supersedes, rule(event, origin), event.effective_date, event.demo, known_from)
