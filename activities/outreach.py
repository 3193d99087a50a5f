"""The Outreach application: records seminars, meetings and technical cooperation activities, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from pydantic import BaseModel, ConfigDict

from activities.engagements import CONFLICT_RETRIES
from activities.recording import Recording
from domain.errors import EffectiveDateInFuture
from domain.outreach import (
    CooperationActivity,
    CooperationActivityRecorded,
    CooperationKind,
    Meeting,
    MeetingCorrected,
    MeetingDetails,
    MeetingHeld,
    cooperation_id,
    meeting_id,
)

T = TypeVar("T")
# The notification log's default page is 10; read-backs read it in large pages.
PAGE = 1000


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


class CooperationRecord(BaseModel):
    """A technical cooperation activity as stored."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    state: str
    kind: CooperationKind
    title: str
    partners: tuple[str, ...]
    effective_date: date
    recorded_at: datetime
    actor: str
    source: str | None


class Outreach(Recording):
    """Meetings (identified by place and first day) and cooperation activities (by State, kind and date)."""

    name = "Outreach"

    def meeting(self, place: str, start: date) -> Meeting | None:
        try:
            return cast(Meeting, self.repository.get(meeting_id(place, start)))
        except AggregateNotFoundError:
            return None

    def activity(self, state: str, kind: CooperationKind, effective_date: date) -> CooperationActivity | None:
        try:
            return cast(CooperationActivity, self.repository.get(cooperation_id(state, kind, effective_date)))
        except AggregateNotFoundError:
            return None

    def record_meeting(self, details: MeetingDetails, *, actor: str, source: str | None) -> Meeting:
        """Record a meeting held; the same details again record nothing, different ones a correction."""
        codes = tuple(dict.fromkeys(self.participants.get(code).code for code in details.participants))
        checked = MeetingDetails.model_validate(details.model_dump() | {"participants": codes})
        return self._retrying(lambda: self._record_meeting(checked, actor, source))

    def _record_meeting(self, details: MeetingDetails, actor: str, source: str | None) -> Meeting:
        meeting = self.meeting(details.place, details.start)
        now = self._now(details.start, f"the meeting at {details.place}")
        if meeting is None:
            meeting = Meeting.record(details, recorded_at=now, actor=actor, source=source)
        else:
            meeting.correct(details, recorded_at=now, actor=actor, source=source)
        if meeting.pending_events:
            self.save(meeting)
        return meeting

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
    ) -> CooperationActivity:
        """Record an activity once; recording the same State, kind and date again returns it unchanged."""
        code = self.participants.get(state).code

        def once() -> CooperationActivity:
            found = self.activity(code, kind, effective_date)
            if found is not None:
                return found
            now = self._now(effective_date, f"the {kind.value} activity of {code}")
            activity = CooperationActivity.record(
                state=code,
                kind=kind,
                title=title,
                partners=partners,
                effective_date=effective_date,
                recorded_at=now,
                actor=actor,
                source=source,
            )
            self.save(activity)
            return activity

        return self._retrying(once)

    def _now(self, effective_date: date, concerning: str) -> datetime:
        now = self.clock()
        if effective_date > now.date():
            raise EffectiveDateInFuture(
                f"The effective date {effective_date} of {concerning} is after today ({now.date()})."
            )
        return now

    def _retrying(self, action: Callable[[], T]) -> T:
        # A concurrent writer of the same record meets us at the unique key: reload, then decide again.
        for _ in range(CONFLICT_RETRIES):
            try:
                return action()
            except IntegrityError:
                continue
        return action()

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting with its latest details, by first day then place."""
        found: dict[UUID, MeetingRecord] = {}
        for event in self._events():
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
                    }
                )
        return sorted(found.values(), key=lambda m: (m.details.start, m.details.place.casefold()))

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
                recorded_at=event.timestamp,
                actor=event.actor,
                source=event.source,
            )
            for event in self._events()
            if isinstance(event, CooperationActivityRecorded)
        ]
        return sorted(found, key=lambda a: (a.effective_date, a.state, a.kind.value))

    def _events(self) -> Iterator[object]:
        after = 0
        while True:
            notes = self.recorder.select_notifications(start=after, limit=PAGE, inclusive_of_start=False)
            for note in notes:
                yield self.mapper.to_domain_event(note)
            if len(notes) < PAGE:
                return
            after = notes[-1].id
