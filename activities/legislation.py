"""The Legislation application: the laws States enacted, per checklist item, recorded once and corrected."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from activities.recording import Recording
from domain.errors import EffectiveDateInFuture
from domain.facts import Recorded
from domain.legislation import Enactment, EnactmentCorrected, EnactmentRecorded, LawOnRecord, enactment_id
from domain.values import Door


class EnactmentRecord(BaseModel):
    """A law on record as it now stands, and who recorded it, when, through which door, from what source."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    enactment: Enactment
    enacted: date
    version: int
    recorded_at: datetime
    actor: str
    source: str | None
    door: Door | None = None


class Legislation(Recording):
    """Laws on record, under the id of their State, checklist item and title."""

    name = "Legislation"

    def record(
        self,
        enactment: Enactment,
        *,
        enacted: date,
        actor: str,
        source: str | None,
        door: Door | None = None,
    ) -> EnactmentRecord:
        """Record a law; the same State, item and title again corrects it (the same details: nothing)."""
        code = self.participants.get(enactment.state).code
        enactment = enactment.model_copy(update={"state": code})
        now = self.clock()
        if enacted > now.date():
            raise EffectiveDateInFuture(
                f"The enactment date {enacted} of '{enactment.law}' of {code} is after today ({now.date()})."
            )
        key = enactment_id(code, enactment.checklist_item, enactment.law)
        by = Recorded(recorded_at=now, actor=actor, source=source, door=door)

        def once() -> None:
            self.make_or_change(
                LawOnRecord,
                key,
                lambda: LawOnRecord.record(enactment, enacted=enacted, **by),
                lambda law: law.correct(enactment, enacted=enacted, **by),
            )

        self._retrying(once)
        return next(r for r in self.laws() if r.id == key)

    def laws(self) -> list[EnactmentRecord]:
        """Every law on record as it now stands, by checklist item, State and title."""
        found: dict[UUID, EnactmentRecord] = {}
        for event in self._events():
            if isinstance(event, EnactmentRecorded | EnactmentCorrected):
                found[event.originator_id] = EnactmentRecord(
                    id=event.originator_id,
                    enactment=event.enactment,
                    enacted=event.effective_date,
                    version=event.originator_version,
                    recorded_at=event.timestamp,
                    actor=event.actor,
                    source=event.source,
                    door=event.door,
                )
        return sorted(
            found.values(),
            key=lambda r: (r.enactment.checklist_item, r.enactment.state, r.enactment.law.casefold()),
        )
