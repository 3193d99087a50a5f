"""Seminars, meetings (paragraphs 9-16) and technical cooperation activities (paragraph 14)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field, model_validator

from domain.errors import DomainError
from domain.facts import Fact, Recorded, Stamp, event_fields
from domain.values import DatePrecision, Instrument, ShortText, Text, Value

OUTREACH_NAMESPACE = UUID("9a3e1c2d-6b7f-4e58-a1d0-5c2b8e4f7a63")


class MeetingKind(StrEnum):
    """The kinds of meeting the report lists."""

    SUBREGIONAL_SEMINAR = "subregional_seminar"
    REGIONAL_SEMINAR = "regional_seminar"
    INTERREGIONAL_SEMINAR = "interregional_seminar"
    MINISTERIAL_CONSULTATION = "ministerial_consultation"
    HIGH_LEVEL_EXPERT_MEETING = "high_level_expert_meeting"
    BRIEFING = "briefing"
    # A meeting of ministers of a group of States at which the Centre presented the instruments (paragraph 13
    # (e): the Law Ministers of the Caribbean Community, January 2001).
    MINISTERIAL_MEETING = "ministerial_meeting"
    # Where the instruments were opened for signature (paragraph 3: Palermo, 12-15 December 2000), and a
    # ceremony at which States signed them (paragraph 13 (e): New York, 26 September 2001).
    SIGNING_CONFERENCE = "signing_conference"
    SIGNING_CEREMONY = "signing_ceremony"


class Headcount(Value):
    """How many took part without being named, as the source counts them: exactly, or approximately."""

    count: int = Field(ge=1)
    approximate: bool = False

    def said(self) -> str:
        return f"approximately {self.count}" if self.approximate else str(self.count)


class MeetingDetails(Value):
    """What is known of a meeting: where, when, who organized it, who took part, what came of it."""

    title: ShortText
    kind: MeetingKind
    place: ShortText
    start: date
    end: date
    organizers: tuple[ShortText, ...] = ()
    partners: tuple[ShortText, ...] = ()
    participants: tuple[ShortText, ...] = Field(default=(), description="ISO 3166 alpha-3 codes")
    observers: tuple[ShortText, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    topics: tuple[ShortText, ...] = ()
    outcome: Text | None = None
    # A meeting the source dates only to a month or a year ("in 2001") is shown so, never as a day.
    dated_to: DatePrecision = DatePrecision.DAY
    # States that took part unnamed (paragraph 15 (e): "approximately 30 States"). Never counted among the
    # States reached, which are counted by name: with them, those are "at least" as many.
    unnamed_states: Headcount | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> MeetingDetails:
        if self.end < self.start:
            raise ValueError(f"the meeting ends ({self.end}) before it starts ({self.start})")
        return self


def meeting_id(place: str, start: date, number: int = 1) -> UUID:
    """The id a meeting is given when first recorded, and keeps through every correction (of its place and
    first day too); the `number`-th meeting first recorded at one place and day (after the first moved)."""
    base = f"meeting/{place.strip().casefold()}/{start.isoformat()}"
    return uuid5(OUTREACH_NAMESPACE, base if number == 1 else f"{base}/{number}")


class UnknownMeeting(DomainError):
    """A correction names a meeting by the id it was recorded under; no meeting has that id."""


class MeetingHeld(Fact, CanInitAggregate[UUID]):
    """A seminar or meeting took place; `effective_date` is its first day."""

    originator_topic: str
    details: MeetingDetails

    def apply(self, aggregate: Any) -> None:
        aggregate.details = self.details


class MeetingCorrected(Fact):
    """The meeting's record was wrong; from its recorded time on, these details stand."""

    details: MeetingDetails

    def apply(self, aggregate: Any) -> None:
        aggregate.details = self.details


class Meeting(BaseAggregate[UUID]):
    """A seminar or meeting, under the id it was first recorded with (see `meeting_id`)."""

    details: MeetingDetails

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def record(
        cls,
        details: MeetingDetails,
        *,
        meeting: UUID | None = None,
        known_on: date | None = None,
        **recorded: Unpack[Recorded],
    ) -> Meeting:
        """A meeting first recorded, under `meeting` (default: the id of its place and first day)."""
        return cls._create(
            MeetingHeld,
            id=meeting or meeting_id(details.place, details.start),
            **event_fields(recorded, details.start),
            known_on=known_on,
            details=details,
        )

    def correct(
        self,
        details: MeetingDetails,
        *,
        known_on: date | None = None,
        **recorded: Unpack[Recorded],
    ) -> None:
        """Record the new details if they differ; the same details record nothing."""
        if details == self.details:
            return
        self.trigger_event(
            MeetingCorrected,
            **event_fields(recorded, details.start),
            known_on=known_on,
            details=details,
        )


class CooperationKind(StrEnum):
    """Technical cooperation activities undertaken at a State's request."""

    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    LEGAL_TRAINING = "legal_training"
    DOCUMENTATION = "documentation"
    LEGISLATIVE_ADVICE = "legislative_advice"
    # Paragraph 14 names pre-ratification activities in Monaco and Romania without saying what they were.
    PRE_RATIFICATION = "pre_ratification"


def cooperation_id(state: str, kind: CooperationKind, effective_date: date) -> UUID:
    return uuid5(OUTREACH_NAMESPACE, f"cooperation/{state.upper()}/{kind.value}/{effective_date.isoformat()}")


class CooperationActivityRecorded(Fact, CanInitAggregate[UUID]):
    """A technical cooperation activity took place in (or for) a State."""

    originator_topic: str
    state: str
    kind: CooperationKind
    title: ShortText
    partners: tuple[ShortText, ...] = ()
    # An activity the source dates only to a month or a year is shown so; recorded before: to the day.
    dated_to: DatePrecision = DatePrecision.DAY

    def apply(self, aggregate: Any) -> None:
        aggregate.state = self.state
        aggregate.kind = self.kind


class CooperationActivity(BaseAggregate[UUID]):
    """One technical cooperation activity (paragraph 14)."""

    state: str
    kind: CooperationKind

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def record(
        cls,
        *,
        state: str,
        kind: CooperationKind,
        title: str,
        partners: tuple[str, ...],
        dated_to: DatePrecision = DatePrecision.DAY,
        known_on: date | None = None,
        **stamp: Unpack[Stamp],
    ) -> CooperationActivity:
        return cls._create(
            CooperationActivityRecorded,
            id=cooperation_id(state, kind, stamp["effective_date"]),
            **event_fields(stamp, stamp["effective_date"]),
            known_on=known_on,
            state=state,
            kind=kind,
            title=title,
            partners=partners,
            dated_to=dated_to,
        )
