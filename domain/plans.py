"""Planned activities (paragraphs 16 and 21): seminars, meetings, missions and expert-group sessions, planned
for a date and a place, then held (linked to the meeting recorded), moved or cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field, model_validator

from domain.errors import DomainError, RecordClosed
from domain.facts import Fact
from domain.outreach import OUTREACH_NAMESPACE
from domain.programme import ProgrammeCommand, many, note, provenance
from domain.regions import Region
from domain.values import DatePrecision, Instrument, ShortText, Text, Value


class PlanKind(StrEnum):
    """What is planned."""

    SEMINAR = "seminar"
    MEETING = "meeting"
    MISSION = "mission"
    EXPERT_GROUP_SESSION = "expert_group_session"


class PlanStatus(StrEnum):
    """Where a plan stands: still to come, held, or cancelled."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class PlanDetails(Value):
    """What is planned, where, for when, by whom, and who is invited."""

    title: ShortText
    kind: PlanKind
    place: ShortText
    planned: date
    planned_end: date | None = None
    # How precisely the plan is dated: a plan "for 2002" keeps its period's last day and says "in 2002".
    dated_to: DatePrecision = DatePrecision.DAY
    organizers: tuple[ShortText, ...] = ()
    states: tuple[ShortText, ...] = Field(default=(), description="ISO 3166 alpha-3 codes of States invited")
    regions: tuple[Region, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    note: Text | None = None

    @model_validator(mode="after")
    def _ends_after_it_begins(self) -> PlanDetails:
        if self.planned_end is not None and self.planned_end < self.planned:
            raise ValueError(f"it is planned to end ({self.planned_end}) before it begins ({self.planned})")
        return self

    @property
    def last_day(self) -> date:
        return self.planned_end or self.planned

    def describe(self) -> str:
        return f"the {self.kind.value.replace('_', ' ')} at {self.place} planned for {self.planned}"

    def opening(self) -> str:
        """`describe` at the start of a sentence."""
        return "T" + self.describe()[1:]


def plan_id(kind: PlanKind, place: str, planned: date, number: int = 1) -> UUID:
    """The id a plan is given when made and keeps when moved: its kind, place and first planned day (the
    `number`-th plan made for them, after an earlier one moved away)."""
    base = f"plan/{kind.value}/{place.strip().casefold()}/{planned.isoformat()}"
    return uuid5(OUTREACH_NAMESPACE, base if number == 1 else f"{base}/{number}")


class PlannedBeforeDecided(DomainError):
    """A plan is for a day on or after the day it was made (or moved), and changes after it was made."""


class PlanHeldElsewhere(DomainError):
    """A seminar, meeting or expert-group session is held by the meeting recorded for it."""


# Kinds held by a meeting recorded with `palermo meeting record`; a mission may be held without one.
HELD_BY_MEETING = frozenset({PlanKind.SEMINAR, PlanKind.MEETING, PlanKind.EXPERT_GROUP_SESSION})


class MakePlan(ProgrammeCommand):
    """Plan a seminar, meeting, mission or expert-group session (managers)."""

    title: ShortText = Field(description="What is planned, e.g. Regional seminar for Africa.")
    kind: PlanKind = Field(description="What kind of activity.")
    place: ShortText = Field(description="Where it is to be held.")
    planned: date = Field(description="The first day planned (YYYY-MM-DD).")
    planned_end: date | None = Field(default=None, description="The last day planned (YYYY-MM-DD).")
    dated_to: DatePrecision = Field(
        default=DatePrecision.DAY,
        description="How precisely it is dated: day, month or year (the planned day then ends the period).",
    )
    organizers: tuple[ShortText, ...] = many("organizer", "An organizing body (repeat).")
    states: tuple[ShortText, ...] = many("state", "ISO 3166 alpha-3 code of a State invited (repeat).")
    regions: tuple[Region, ...] = many("region", "A region whose States are invited (repeat).")
    instruments: tuple[Instrument, ...] = many("instrument", "An instrument it concerns (repeat).")
    note: Text | None = note("A note kept with the plan.")

    def details(self) -> PlanDetails:
        return PlanDetails.model_validate(self.model_dump(include=set(PlanDetails.model_fields)))


class MovePlan(ProgrammeCommand):
    """Move a plan to a new date (and place), as decided on the effective date (managers)."""

    plan: UUID = Field(description="The plan's id (`plan list --json`).")
    planned: date = Field(description="The new first day (YYYY-MM-DD).")
    planned_end: date | None = Field(default=None, description="The new last day (YYYY-MM-DD).")
    place: ShortText | None = Field(default=None, description="The new place, if it changes.")
    reason: Text | None = note("Why it moved.")


class HoldPlan(ProgrammeCommand):
    """Record a plan as held, by the meeting recorded for it (managers)."""

    plan: UUID = Field(description="The plan's id (`plan list --json`).")
    meeting: UUID | None = Field(
        default=None, description="The id of the meeting held (`meeting list --json`); a mission needs none."
    )


class CancelPlan(ProgrammeCommand):
    """Cancel a plan (managers)."""

    plan: UUID = Field(description="The plan's id (`plan list --json`).")
    reason: Text = Field(description="Why it was cancelled.", json_schema_extra={"lines": True})


class PlanMade(Fact, CanInitAggregate[UUID]):
    """A seminar, meeting, mission or expert-group session was planned; `effective_date` is the day it was."""

    originator_topic: str
    details: PlanDetails

    def apply(self, aggregate: Any) -> None:
        aggregate.details = self.details
        aggregate.made_on = self.effective_date
        aggregate.status = PlanStatus.PLANNED
        aggregate.meeting = None


class PlanMoved(Fact):
    """The plan was moved to another date (and place), decided on the effective date."""

    planned: date
    planned_end: date | None = None
    place: ShortText
    reason: Text | None = None
    # A move names its days (plans moved before this was kept were all dated to the day).
    dated_to: DatePrecision = DatePrecision.DAY

    def changes(self) -> dict[str, object]:
        """What the move changes of the plan's details."""
        return {
            "planned": self.planned,
            "planned_end": self.planned_end,
            "place": self.place,
            "dated_to": self.dated_to,
        }

    def apply(self, aggregate: Any) -> None:
        aggregate.details = aggregate.details.model_copy(update=self.changes())


class PlanHeld(Fact):
    """The plan was carried out, on the effective date; by the meeting recorded for it, if any."""

    meeting: UUID | None = None

    def apply(self, aggregate: Any) -> None:
        aggregate.status = PlanStatus.HELD
        aggregate.meeting = self.meeting


class PlanCancelled(Fact):
    """The plan was given up on the effective date."""

    reason: Text

    def apply(self, aggregate: Any) -> None:
        aggregate.status = PlanStatus.CANCELLED


PLAN_EVENTS = (PlanMade, PlanMoved, PlanHeld, PlanCancelled)


class Plan(BaseAggregate[UUID]):
    """One planned activity, under the id it was made with (see `plan_id`)."""

    details: PlanDetails
    made_on: date
    status: PlanStatus
    meeting: UUID | None

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def make(cls, command: MakePlan, details: PlanDetails, *, plan: UUID, recorded_at: datetime) -> Plan:
        """A plan made on the command's effective date, for a day no earlier."""
        _not_before(details, command.effective_date)
        return cls._create(PlanMade, id=plan, timestamp=recorded_at, **provenance(command), details=details)

    def _still_planned(self, command: ProgrammeCommand, doing: str) -> None:
        if self.status is not PlanStatus.PLANNED:
            raise RecordClosed(f"{self.details.opening()} is {self.status.value}: it cannot be {doing}.")
        if command.effective_date < self.made_on:
            raise PlannedBeforeDecided(
                f"{self.details.opening()} was made on {self.made_on}; it cannot be {doing} "
                f"on {command.effective_date}, before that."
            )

    def move(self, command: MovePlan, recorded_at: datetime) -> None:
        """Move the plan; the same date and place again records nothing."""
        place = command.place or self.details.place
        moved = PlanDetails.model_validate(
            self.details.model_dump()
            | {
                "planned": command.planned,
                "planned_end": command.planned_end,
                "place": place,
                "dated_to": DatePrecision.DAY,
            }
        )
        if moved == self.details:
            return
        self._still_planned(command, "moved")
        _not_before(moved, command.effective_date, "moved")
        self.trigger_event(
            PlanMoved,
            timestamp=recorded_at,
            **provenance(command),
            planned=moved.planned,
            planned_end=moved.planned_end,
            place=moved.place,
            reason=command.reason,
            dated_to=moved.dated_to,
        )

    def hold(self, command: HoldPlan, recorded_at: datetime) -> None:
        """Record the plan held on the command's effective date; held again by the same meeting, nothing."""
        if self.status is PlanStatus.HELD and self.meeting == command.meeting:
            return
        if command.meeting is None and self.details.kind in HELD_BY_MEETING:
            raise PlanHeldElsewhere(
                f"{self.details.opening()} is held by the meeting recorded for it: name the "
                "meeting's id (`palermo meeting list --json`)."
            )
        self._still_planned(command, "held")
        self.trigger_event(PlanHeld, timestamp=recorded_at, **provenance(command), meeting=command.meeting)

    def cancel(self, command: CancelPlan, recorded_at: datetime) -> None:
        """Cancel the plan; a plan already cancelled records nothing."""
        if self.status is PlanStatus.CANCELLED:
            return
        self._still_planned(command, "cancelled")
        self.trigger_event(PlanCancelled, timestamp=recorded_at, **provenance(command), reason=command.reason)


def _not_before(details: PlanDetails, decided: date, doing: str = "planned") -> None:
    if details.planned < decided:
        what = f"The {details.kind.value.replace('_', ' ')} at {details.place}"
        raise PlannedBeforeDecided(
            f"{what} cannot be planned for {details.planned}, before the day it was {doing} ({decided})."
        )


class PlanView(Value):
    """A plan as it stood on a day: what was then planned, and whether it had been held or cancelled."""

    id: UUID
    details: PlanDetails
    status: PlanStatus
    made_on: date
    made_by: str
    moves: int = 0
    meeting: UUID | None = None
    closed_on: date | None = None
    reason: str | None = None
    source: str | None = None


def plan_as_of(events: Iterable[Fact], day: date | None = None) -> PlanView | None:
    """The plan its events (in order) make, counting those effective on or before `day` (all if None);
    None if it had not been made by then."""
    view: PlanView | None = None
    for event in events:
        if day is not None and event.effective_date > day:
            continue
        if isinstance(event, PlanMade):
            view = PlanView(
                id=event.originator_id,
                details=event.details,
                status=PlanStatus.PLANNED,
                made_on=event.effective_date,
                made_by=event.actor,
                source=event.source,
            )
        elif view is None:
            continue
        elif isinstance(event, PlanMoved):
            details = view.details.model_copy(update=event.changes())
            changed = {"details": details, "moves": view.moves + 1, "reason": event.reason}
            view = view.model_copy(update=changed)
        elif isinstance(event, PlanHeld):
            held = {"status": PlanStatus.HELD, "meeting": event.meeting, "closed_on": event.effective_date}
            view = view.model_copy(update=held)
        elif isinstance(event, PlanCancelled):
            gone = {"status": PlanStatus.CANCELLED, "closed_on": event.effective_date, "reason": event.reason}
            view = view.model_copy(update=gone)
    return view


class PlanExists(DomainError):
    """A plan is made once for its kind, place and first day; a change to it is a move or a cancellation."""
