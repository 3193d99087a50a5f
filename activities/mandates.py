"""Resolutions, dockets and editorial notes, kept in the Outreach application's log beside the meetings and
plans the report tells of: every record idempotent by its business key, a changed record a correction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import NamedTuple, NotRequired, TypedDict, Unpack, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import BaseModel, ConfigDict

from activities.outreach import Outreach
from activities.recording import events_of, not_after_today, retrying
from domain.editorial import (
    EditorialNote,
    NoteNotWritten,
    NotePlace,
    NoteRevised,
    NoteText,
    NoteWithdrawn,
    NoteWritten,
    note_id,
)
from domain.facts import Fact, Recorded, Told, stamp_of
from domain.mandates import (
    CorrectedRecord,
    DetailsSet,
    Docket,
    DocketCorrected,
    DocketDetails,
    ReportDocketed,
    Resolution,
    ResolutionAdopted,
    ResolutionCorrected,
    ResolutionDetails,
    docket_id,
    resolution_id,
)
from domain.outreach import MeetingCorrected, MeetingDetails, MeetingHeld, MeetingKind
from domain.values import Door


class Signed(TypedDict):
    """Who records a fact, from what source, through which door (the day is the fact's own)."""

    actor: str
    source: str | None
    door: NotRequired[Door | None]


class Standing(BaseModel):
    """A record as it now stands, with its latest change: who, when, from what source, through which door."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    version: int
    recorded_at: datetime
    actor: str
    source: str | None
    door: Door | None = None

    @staticmethod
    def of(event: Fact) -> dict[str, object]:
        return {
            "id": event.originator_id,
            "version": event.originator_version,
            "recorded_at": event.timestamp,
            "actor": event.actor,
            "source": event.source,
            "door": event.door,
        }


class ResolutionRecord(Standing):
    details: ResolutionDetails


class DocketRecord(Standing):
    details: DocketDetails


class NoteRecord(Standing):
    """A note as it stands: its text, or None once withdrawn; `written_on` is the day of its latest change."""

    report: date
    place: NotePlace
    text: str | None
    written_on: date


class Records(NamedTuple):
    """The resolutions (by day of adoption), dockets (by report date) and notes (by report and place)."""

    resolutions: list[ResolutionRecord]
    dockets: list[DocketRecord]
    notes: list[NoteRecord]
    # The conferences that opened instruments for signature, as they now stand, by first day (read in the
    # same pass: the report tells of them beside the resolutions).
    signing_conferences: list[MeetingDetails]

    def docket_for(self, day: date) -> DocketRecord | None:
        """The heading of the report being prepared on `day`: the latest dated by then for a session that
        has not opened by then."""
        ready = [d for d in self.dockets if d.details.report_date <= day < d.details.session_start]
        return ready[-1] if ready else None


class Mandates:
    """The resolutions, dockets and editorial notes of an Outreach application (its store, clock, log)."""

    def __init__(self, outreach: Outreach) -> None:
        self.outreach = outreach

    def record_resolution(
        self, details: ResolutionDetails, *, known_on: date | None = None, **signed: Unpack[Signed]
    ) -> ResolutionRecord:
        """Record a resolution adopted; recorded again with other details, a correction; the same, nothing."""
        key = resolution_id(details.body, details.number)
        what = f"resolution {details.number}"
        self._record(key, details, what, lambda r: Resolution.adopt(details, known_on, **r), known_on, signed)
        return next(r for r in self.resolutions() if r.id == key)

    def record_docket(
        self, details: DocketDetails, *, known_on: date | None = None, **signed: Unpack[Signed]
    ) -> DocketRecord:
        """Record the heading of the report of a date; again with other details, a correction."""
        key = docket_id(details.report_date)
        what = f"the report of {details.report_date}"
        self._record(key, details, what, lambda r: Docket.record(details, known_on, **r), known_on, signed)
        return next(d for d in self.dockets() if d.id == key)

    def records(self) -> Records:
        """Every resolution, docket, note and signing conference as it now stands, in one pass over the
        log."""
        latest: dict[UUID, DetailsSet] = {}
        notes: dict[UUID, NoteRecord] = {}
        meetings: dict[UUID, MeetingDetails] = {}
        for event in self._events():
            if isinstance(event, MeetingHeld | MeetingCorrected):
                meetings[event.originator_id] = event.details
            elif isinstance(event, DetailsSet):
                latest[event.originator_id] = event
            elif isinstance(event, NoteWritten):
                notes[event.originator_id] = NoteRecord(
                    **Standing.of(event),
                    report=event.report,
                    place=event.place,
                    text=event.text,
                    written_on=event.effective_date,
                )
            elif isinstance(event, NoteRevised | NoteWithdrawn) and event.originator_id in notes:
                text = event.text if isinstance(event, NoteRevised) else None
                changed = {**Standing.of(event), "text": text, "written_on": event.effective_date}
                notes[event.originator_id] = notes[event.originator_id].model_copy(update=changed)
        resolutions = [
            ResolutionRecord(**Standing.of(e), details=e.details)
            for e in latest.values()
            if isinstance(e, ResolutionAdopted | ResolutionCorrected)
        ]
        dockets = [
            DocketRecord(**Standing.of(e), details=e.details)
            for e in latest.values()
            if isinstance(e, ReportDocketed | DocketCorrected)
        ]
        return Records(
            resolutions=sorted(resolutions, key=lambda r: (r.details.adopted, r.details.number)),
            dockets=sorted(dockets, key=lambda d: d.details.report_date),
            notes=sorted(notes.values(), key=lambda n: (n.report, list(NotePlace).index(n.place))),
            signing_conferences=sorted(
                (m for m in meetings.values() if m.kind is MeetingKind.SIGNING_CONFERENCE),
                key=lambda m: m.start,
            ),
        )

    def resolutions(self, on: date | None = None) -> list[ResolutionRecord]:
        """The resolutions adopted (by `on`, if given), as they now stand, by day of adoption."""
        return [r for r in self.records().resolutions if on is None or r.details.adopted <= on]

    def dockets(self) -> list[DocketRecord]:
        return self.records().dockets

    def docket_for(self, day: date) -> DocketRecord | None:
        return self.records().docket_for(day)

    def notes(self, report: date | None = None) -> list[NoteRecord]:
        """The notes as they stand (of the report of `report`, if given), withdrawn ones with no text."""
        return [n for n in self.records().notes if report is None or n.report == report]

    def write_note(self, note: NoteText, **told: Unpack[Told]) -> NoteRecord:
        """Write the note at its place of its report; written again, a revision; the same text, nothing."""
        key = note_id(note.report, note.place)

        def once() -> None:
            stamp = stamp_of(told, self._dated_now(told["effective_date"], f"the {note.place.value} note"))
            try:
                found = cast(EditorialNote, self.outreach.repository.get(key))
            except AggregateNotFoundError:
                found = EditorialNote.write(note, **stamp)
            else:
                found.revise(note, **stamp)
            if found.pending_events:
                self.outreach.save(found)

        retrying(once)
        return self._note(key)

    def withdraw_note(self, report: date, place: NotePlace, **told: Unpack[Told]) -> NoteRecord:
        key = note_id(report, place)

        def once() -> None:
            try:
                found = cast(EditorialNote, self.outreach.repository.get(key))
            except AggregateNotFoundError:
                raise NoteNotWritten(
                    f"No {place.value} note is written for the report of {report}."
                ) from None
            found.withdraw(**stamp_of(told, self._dated_now(told["effective_date"], "the withdrawal")))
            self.outreach.save(found)

        retrying(once)
        return self._note(key)

    def _note(self, key: UUID) -> NoteRecord:
        return next(n for n in self.notes() if n.id == key)

    def _record(
        self,
        key: UUID,
        details: ResolutionDetails | DocketDetails,
        what: str,
        create: Callable[[Recorded], CorrectedRecord],
        known_on: date | None,
        signed: Signed,
    ) -> None:
        def once() -> None:
            now = self._dated_now(details.day, what)
            stamped = Recorded(
                recorded_at=now, actor=signed["actor"], source=signed["source"], door=signed.get("door")
            )
            try:
                found = cast(CorrectedRecord, self.outreach.repository.get(key))
            except AggregateNotFoundError:
                found = create(stamped)
            else:
                found.correct(details, known_on, **stamped)
            if found.pending_events:
                self.outreach.save(found)

        retrying(once)

    def _dated_now(self, effective_date: date, concerning: str) -> datetime:
        return not_after_today(self.outreach.clock, effective_date, concerning)

    def _events(self) -> Iterator[object]:
        return events_of(self.outreach.recorder, self.outreach.mapper)
