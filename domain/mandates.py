"""The report's mandate and heading: the resolutions that adopted the instruments and asked for the report
(paragraphs 1-2), and the session and agenda item a report is docketed for (the report's heading)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate
from pydantic import Field, model_validator

from domain.facts import Fact, Recorded, event_fields
from domain.values import DatePrecision, Instrument, ShortText, Value

# Fixed forever: resolution and docket ids derive from it, so a record made twice finds its own.
MANDATES_NAMESPACE = UUID("6f2b8d41-93c5-4a7e-b1d2-0e8c5a9f3b67")


class DetailsSet(Fact):
    """An event that sets a record's details (each subclass narrows their type)."""

    details: Any

    def apply(self, aggregate: Any) -> None:
        aggregate.details = self.details


class Dated(Value):
    """Details that carry the day they took effect (an adoption, a report's date)."""

    @property
    def day(self) -> date:
        raise NotImplementedError


class CorrectedRecord(BaseAggregate[UUID]):
    """A record whose details a later event may correct: with `corrected`, from its recorded time on."""

    details: Any
    corrected: ClassVar[type[DetailsSet]]

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    def correct(self, details: Dated, known_on: date | None = None, **recorded: Unpack[Recorded]) -> None:
        """Record the new details if they differ; the same details record nothing."""
        if details != self.details:
            fields = event_fields(recorded, details.day)
            self.trigger_event(self.corrected, **fields, known_on=known_on, details=details)


class ResolutionDetails(Dated):
    """What a resolution did that the report recalls: the day of its adoption, the instruments it adopted, who
    negotiated them and when, what else it decided (in brief, as recorded), and to whom it asked the
    Secretary-General to report."""

    body: ShortText = Field(description="The body that adopted it, e.g. General Assembly.")
    number: ShortText = Field(description="Its number, e.g. 55/25.")
    adopted: date = Field(description="The day it was adopted (YYYY-MM-DD).")
    adopts: tuple[Instrument, ...] = Field(default=(), description="An instrument it adopted (repeat).")
    annexes: tuple[ShortText, ...] = Field(
        default=(), description="The annex holding each instrument adopted, in the same order (repeat)."
    )
    negotiated_by: ShortText | None = Field(default=None, description="The body that negotiated them.")
    negotiations_concluded: date | None = Field(
        default=None, description="When the negotiations concluded (YYYY-MM-DD)."
    )
    negotiations_dated_to: DatePrecision = Field(
        default=DatePrecision.DAY, description="How precisely the source dates that: day, month or year."
    )
    provisions: tuple[ShortText, ...] = Field(
        default=(), description="What else it decided, in brief (repeat)."
    )
    report_to: ShortText | None = Field(
        default=None, description="The body it asks the Secretary-General to report to."
    )
    report_session: int | None = Field(default=None, ge=1, description="At which session of that body.")

    @model_validator(mode="after")
    def _consistent(self) -> ResolutionDetails:
        if self.annexes and len(self.annexes) != len(self.adopts):
            raise ValueError("give one annex for each instrument adopted, or none")
        if (self.negotiated_by is None) != (self.negotiations_concluded is None):
            raise ValueError("give both who negotiated the instruments and when negotiations concluded")
        if self.report_session is not None and self.report_to is None:
            raise ValueError("a session to report at needs the body that holds it")
        if self.negotiations_concluded is not None and self.negotiations_concluded > self.adopted:
            raise ValueError("negotiations conclude before the instruments are adopted")
        return self

    @property
    def day(self) -> date:
        return self.adopted


def resolution_id(body: str, number: str) -> UUID:
    return uuid5(MANDATES_NAMESPACE, f"resolution/{body.strip().casefold()}/{number.strip()}")


class ResolutionAdopted(DetailsSet, CanInitAggregate[UUID]):
    """A resolution was adopted; `effective_date` is the day of its adoption."""

    originator_topic: str
    details: ResolutionDetails


class ResolutionCorrected(DetailsSet):
    """The resolution's record was wrong; from its recorded time on, these details stand."""

    details: ResolutionDetails


class Resolution(CorrectedRecord):
    """A resolution, under the id of its body and number."""

    details: ResolutionDetails
    corrected = ResolutionCorrected

    @classmethod
    def adopt(
        cls, details: ResolutionDetails, known_on: date | None = None, **recorded: Unpack[Recorded]
    ) -> Resolution:
        return cls._create(
            ResolutionAdopted,
            id=resolution_id(details.body, details.number),
            **event_fields(recorded, details.adopted),
            known_on=known_on,
            details=details,
        )


class DocketDetails(Dated):
    """A report's heading: the organ and commission it goes to, the session (its number, place and days), the
    agenda item it is submitted under, its distribution and original language, and the resolution that
    asked for it."""

    report_date: date = Field(description="The report's date (YYYY-MM-DD).")
    organ: ShortText = Field(description="The principal organ, e.g. Economic and Social Council.")
    commission: ShortText = Field(description="The commission the report goes to.")
    session: int = Field(ge=1, description="The number of the commission's session.")
    session_place: ShortText = Field(description="Where the session meets.")
    session_start: date = Field(description="Its first day (YYYY-MM-DD).")
    session_end: date = Field(description="Its last day (YYYY-MM-DD).")
    agenda_item: int = Field(ge=1, description="The number of the item of its provisional agenda.")
    agenda_title: ShortText = Field(description="The title of that item.")
    provisional_agenda: ShortText | None = Field(
        default=None, description="The symbol of the provisional agenda, e.g. E/CN.15/2002/1."
    )
    symbol: ShortText | None = Field(default=None, description="The report's own symbol, once it has one.")
    distribution: ShortText = Field(description="Its distribution, e.g. General.")
    original: ShortText = Field(description="The language of its original, e.g. English.")
    mandate: ShortText | None = Field(default=None, description="The number of the resolution asking for it.")

    @model_validator(mode="after")
    def _dated_before_the_session(self) -> DocketDetails:
        if self.session_end < self.session_start:
            raise ValueError(f"the session ends ({self.session_end}) before it opens ({self.session_start})")
        if self.report_date >= self.session_start:
            raise ValueError(
                f"the report ({self.report_date}) must be dated before the session it goes to opens "
                f"({self.session_start})"
            )
        return self

    @property
    def day(self) -> date:
        return self.report_date


def docket_id(report_date: date) -> UUID:
    return uuid5(MANDATES_NAMESPACE, f"docket/{report_date.isoformat()}")


class ReportDocketed(DetailsSet, CanInitAggregate[UUID]):
    """The report dated `effective_date` is docketed for an agenda item of a session."""

    originator_topic: str
    details: DocketDetails


class DocketCorrected(DetailsSet):
    """The docket's record was wrong; from its recorded time on, these details stand."""

    details: DocketDetails


class Docket(CorrectedRecord):
    """The heading of the report of one date."""

    details: DocketDetails
    corrected = DocketCorrected

    @classmethod
    def record(
        cls, details: DocketDetails, known_on: date | None = None, **recorded: Unpack[Recorded]
    ) -> Docket:
        return cls._create(
            ReportDocketed,
            id=docket_id(details.report_date),
            **event_fields(recorded, details.report_date),
            known_on=known_on,
            details=details,
        )
