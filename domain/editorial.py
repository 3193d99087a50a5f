"""Editorial notes: what only a person can write into a report (a judgement, a thanks, why it came late),
recorded for the report of one date and a place in it, and shown there as written."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Unpack
from uuid import UUID, uuid5

from eventsourcing.domain import BaseAggregate, CanInitAggregate

from domain.errors import DomainError
from domain.facts import Fact, Stamp, event_fields
from domain.mandates import MANDATES_NAMESPACE
from domain.values import Text, Value


class NotePlace(StrEnum):
    """Where in the report a note stands: a footnote to its heading, or a paragraph closing a section."""

    HEADING = "heading"
    INTRODUCTION = "introduction"
    PROMOTION = "promotion"
    MEETINGS = "meetings"
    COOPERATION = "cooperation"
    CONCLUSIONS = "conclusions"


class NoteText(Value):
    """What a person writes: the report (by its date), the place in it, and the text."""

    report: date
    place: NotePlace
    text: Text


def note_id(report: date, place: NotePlace) -> UUID:
    """One note per place of the report of one date; writing it again revises it."""
    return uuid5(MANDATES_NAMESPACE, f"note/{report.isoformat()}/{place.value}")


class NoteNotWritten(DomainError):
    """A note is withdrawn that was never written, or is withdrawn already."""


class NoteWritten(Fact, CanInitAggregate[UUID]):
    """A person wrote a note for the report of `report`, at `place`; `effective_date` is the day written."""

    originator_topic: str
    report: date
    place: NotePlace
    text: Text

    def apply(self, aggregate: Any) -> None:
        aggregate.report, aggregate.place, aggregate.text = self.report, self.place, self.text


class NoteRevised(Fact):
    """The note now reads `text` (a withdrawn note written again stands again)."""

    text: Text

    def apply(self, aggregate: Any) -> None:
        aggregate.text = self.text


class NoteWithdrawn(Fact):
    """The note no longer stands in the report."""

    def apply(self, aggregate: Any) -> None:
        aggregate.text = None


class EditorialNote(BaseAggregate[UUID]):
    """The note at one place of the report of one date; `text` is None once withdrawn."""

    report: date
    place: NotePlace
    text: str | None

    def __init__(self) -> None:
        """State is set by the events' apply methods."""

    @classmethod
    def write(cls, note: NoteText, **stamp: Unpack[Stamp]) -> EditorialNote:
        return cls._create(
            NoteWritten,
            id=note_id(note.report, note.place),
            **event_fields(stamp, stamp["effective_date"]),
            report=note.report,
            place=note.place,
            text=note.text,
        )

    def revise(self, note: NoteText, **stamp: Unpack[Stamp]) -> None:
        """Record the new text if it differs; the same text records nothing."""
        if note.text != self.text:
            self.trigger_event(NoteRevised, **event_fields(stamp, stamp["effective_date"]), text=note.text)

    def withdraw(self, **stamp: Unpack[Stamp]) -> None:
        if self.text is None:
            raise NoteNotWritten(
                f"The {self.place.value} note of the report of {self.report} is withdrawn already."
            )
        self.trigger_event(NoteWithdrawn, **event_fields(stamp, stamp["effective_date"]))
