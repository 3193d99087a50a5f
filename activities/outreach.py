"""The Outreach application: records seminars, meetings and technical cooperation activities, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import BaseModel, ConfigDict

from activities.recording import Recording
from domain.outreach import (
    CooperationActivity,
    CooperationActivityRecorded,
    CooperationKind,
    Meeting,
    MeetingCorrected,
    MeetingDetails,
    MeetingHeld,
    UnknownMeeting,
    cooperation_id,
    meeting_id,
)
from domain.values import DatePrecision, Door

# Asked before a meeting is changed, with the meeting as it stands; raises to refuse the change.
MayChange = Callable[["MeetingRecord"], None]


class MeetingRecord(BaseModel):
    """A meeting as it now stands: its latest details and who recorded them, when, from what source."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    details: MeetingDetails
    version: int
    corrections: int
    first_recorded_at: datetime
    recorded_at: datetime
    actor: str
    source: str | None
    # Who first recorded it; `actor` and `door` are the latest change's.
    recorded_by: str
    door: Door | None = None


class CooperationRecord(BaseModel):
    """A technical cooperation activity as stored."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    state: str
    kind: CooperationKind
    title: str
    partners: tuple[str, ...]
    effective_date: date
    dated_to: DatePrecision = DatePrecision.DAY
    recorded_at: datetime
    actor: str
    source: str | None
    door: Door | None = None


def _stands(place: str, start: date) -> tuple[str, date]:
    """Where and from when a meeting was held, as two recordings of one meeting are matched."""
    return place.strip().casefold(), start


class Outreach(Recording):
    """Meetings (each under the id it was first recorded with) and cooperation activities (by State, kind and
    date)."""

    name = "Outreach"

    def meeting(self, meeting: UUID) -> MeetingRecord | None:
        """The meeting recorded under `meeting`, as it now stands."""
        return next((m for m in self.meetings() if m.id == meeting), None)

    def meeting_at(self, place: str, start: date) -> MeetingRecord | None:
        """The meeting that, as it now stands, was held at `place` from `start`."""
        where = _stands(place, start)
        return next((m for m in self.meetings() if _stands(m.details.place, m.details.start) == where), None)

    def activity(self, state: str, kind: CooperationKind, effective_date: date) -> CooperationActivity | None:
        return self.stored(CooperationActivity, cooperation_id(state, kind, effective_date))

    def record_meeting(
        self,
        details: MeetingDetails,
        *,
        actor: str,
        source: str | None,
        door: Door | None = None,
        may_change: MayChange | None = None,
        known_on: date | None = None,
    ) -> MeetingRecord:
        """Record a meeting held. The meeting now held at its place from its first day is corrected instead:
        the same details record nothing, different ones a correction, if `may_change` lets it (it raises
        if not, and is asked again of the meeting as it stands on every retry). `known_on`: the day it was
        known, if before today (domain.facts.Fact.known_on)."""
        checked = self._checked(details)

        def once() -> UUID:
            found = self.meeting_at(checked.place, checked.start)
            free, held = (found.id, True) if found is not None else self._id_for(checked)
            if held:
                return self._correct(free, checked, actor, source, door, may_change, known_on)
            now = self._dated_now(checked.start, f"the meeting at {checked.place}")
            meeting = Meeting.record(
                checked,
                recorded_at=now,
                actor=actor,
                source=source,
                door=door,
                meeting=free,
                known_on=known_on,
            )
            self.save(meeting)
            return meeting.id

        return self._read_back(self._retrying(once))

    def correct_meeting(
        self,
        meeting: UUID,
        details: MeetingDetails,
        *,
        actor: str,
        source: str | None,
        door: Door | None = None,
        may_change: MayChange | None = None,
    ) -> MeetingRecord:
        """Correct the meeting recorded under `meeting` (its place and first day too), if `may_change` lets
        it; the same details record nothing."""
        checked = self._checked(details)
        return self._read_back(
            self._retrying(lambda: self._correct(meeting, checked, actor, source, door, may_change))
        )

    def _checked(self, details: MeetingDetails) -> MeetingDetails:
        codes = tuple(dict.fromkeys(self.participants.get(code).code for code in details.participants))
        return MeetingDetails.model_validate(details.model_dump() | {"participants": codes})

    def _correct(
        self,
        meeting: UUID,
        details: MeetingDetails,
        actor: str,
        source: str | None,
        door: Door | None,
        may_change: MayChange | None,
        known_on: date | None = None,
    ) -> UUID:
        try:
            aggregate = cast(Meeting, self.repository.get(meeting))
        except AggregateNotFoundError:
            raise UnknownMeeting(f"No meeting is recorded under the id {meeting}.") from None
        if may_change is not None and aggregate.details != details:
            may_change(self._read_back(meeting))
        now = self._dated_now(details.start, f"the meeting at {details.place}")
        aggregate.correct(details, recorded_at=now, actor=actor, source=source, door=door, known_on=known_on)
        if aggregate.pending_events:
            self.save(aggregate)
        return aggregate.id

    def _id_for(self, details: MeetingDetails) -> tuple[UUID, bool]:
        """The meeting's id from its place and first day, numbered if a meeting since moved holds it, and
        whether a stored meeting already stands there under it: another writer may have recorded this meeting
        since `meeting_at` read the log, and it must then be corrected, not numbered as a second meeting."""
        where, number = _stands(details.place, details.start), 1
        while True:
            candidate = meeting_id(details.place, details.start, number)
            stored = self.stored(Meeting, candidate)
            if stored is None:
                return candidate, False
            if _stands(stored.details.place, stored.details.start) == where:
                return candidate, True
            number += 1

    def _read_back(self, meeting: UUID) -> MeetingRecord:
        found = self.meeting(meeting)
        assert found is not None, "a meeting just recorded reads back"
        return found

    def record_cooperation(
        self,
        *,
        state: str,
        kind: CooperationKind,
        title: str,
        effective_date: date,
        partners: tuple[str, ...] = (),
        actor: str,
        source: str | None,
        door: Door | None = None,
        dated_to: DatePrecision = DatePrecision.DAY,
        known_on: date | None = None,
    ) -> CooperationActivity:
        """Record an activity once; recording the same State, kind and date again returns it unchanged."""
        code = self.participants.get(state).code

        def once() -> CooperationActivity:
            found = self.activity(code, kind, effective_date)
            if found is not None:
                return found
            now = self._dated_now(effective_date, f"the {kind.value} activity of {code}")
            activity = CooperationActivity.record(
                state=code,
                kind=kind,
                title=title,
                partners=partners,
                effective_date=effective_date,
                recorded_at=now,
                actor=actor,
                source=source,
                door=door,
                dated_to=dated_to,
                known_on=known_on,
            )
            self.save(activity)
            return activity

        return self._retrying(once)

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting with its latest details, by first day then place."""
        found: dict[UUID, MeetingRecord] = {}
        for event in self._events():
            take_meeting_event(found, event)
        return by_first_day(found.values())

    def cooperation(self) -> list[CooperationRecord]:
        """Every technical cooperation activity, by date then State."""
        found = [
            CooperationRecord(
                id=event.originator_id,
                state=event.state,
                kind=event.kind,
                title=event.title,
                partners=event.partners,
                effective_date=event.effective_date,
                dated_to=event.dated_to,
                recorded_at=event.timestamp,
                actor=event.actor,
                source=event.source,
                door=event.door,
            )
            for event in self._events()
            if isinstance(event, CooperationActivityRecorded)
        ]
        return sorted(found, key=lambda a: (a.effective_date, a.state, a.kind.value))


def take_meeting_event(found: dict[UUID, MeetingRecord], event: object) -> None:
    """Bring the meetings as they stand (by id) up to date with the next event of the log; an event of
    another kind changes nothing."""
    if isinstance(event, MeetingHeld):
        found[event.originator_id] = MeetingRecord(
            id=event.originator_id,
            details=event.details,
            version=event.originator_version,
            corrections=0,
            first_recorded_at=event.timestamp,
            recorded_at=event.timestamp,
            actor=event.actor,
            source=event.source,
            recorded_by=event.actor,
            door=event.door,
        )
    elif isinstance(event, MeetingCorrected) and event.originator_id in found:
        earlier = found[event.originator_id]
        found[event.originator_id] = earlier.model_copy(
            update={
                "details": event.details,
                "version": event.originator_version,
                "corrections": earlier.corrections + 1,
                "recorded_at": event.timestamp,
                "actor": event.actor,
                "source": event.source,
                "door": event.door,
            }
        )


def by_first_day(meetings: Iterable[MeetingRecord]) -> list[MeetingRecord]:
    return sorted(meetings, key=lambda m: (m.details.start, m.details.place.casefold()))
