"""Treaty actions: a participant's signature of, or consent to be bound by, one instrument (paragraph 8)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from hashlib import sha1
from typing import Any, NamedTuple, Unpack
from uuid import UUID

from eventsourcing.domain import BaseAggregate, CanInitAggregate

from domain.facts import Fact, Recorded, copy_onto, event_fields
from domain.values import Instrument

# Fixed forever: treaty action ids derive from it, so a re-imported table finds the same aggregates.
TREATY_NAMESPACE = UUID("0e5b7a0c-4a84-4f0f-8f7e-3c3f0c7a9b21")
_NAMESPACE = TREATY_NAMESPACE.bytes


# Regional economic integration organizations (Convention art. 36 (2)), by the code Palermo gives them (they
# have no ISO 3166 code; this one follows common usage), with their name and former names. Their instruments
# are not counted in addition to their member States' towards entry into force (art. 38 (2)).
REGIONAL_ORGANIZATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "EUU": ("European Union", ("European Community", "European Communities")),
}


@cache
def is_regional_organization(code: str) -> bool:
    # Cached: the forecast asks it of every deposit of every simulated world.
    return code.strip().upper() in REGIONAL_ORGANIZATIONS


class ActionKind(StrEnum):
    """Signature, or one of the five ways of consenting to be bound (which make a party)."""

    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    SUCCESSION = "succession"

    @property
    def makes_party(self) -> bool:
        return self is not ActionKind.SIGNATURE


class Slot(StrEnum):
    """A participant has at most one signature and one consent per instrument."""

    SIGNATURE = "signature"
    CONSENT = "consent"


def slot_of(kind: ActionKind) -> Slot:
    return Slot.CONSENT if kind.makes_party else Slot.SIGNATURE


@lru_cache(maxsize=8192)
def treaty_action_id(participant: str, instrument: Instrument, slot: Slot) -> UUID:
    """The id of a participant's signature (or consent) for one instrument: the uuid5 of
    "treaty/<PARTICIPANT>/<instrument>/<slot>" in TREATY_NAMESPACE.

    Computed as `uuid5` computes it, less its conversions, and the enums formatted as their values without
    reading `.value` (a bulk import asks a thousand at once, and this was a fifth of its time); kept, as
    an import that loses a race asks again.
    """
    name = f"treaty/{participant.upper()}/{instrument}/{slot}"
    return UUID(bytes=sha1(_NAMESPACE + name.encode()).digest()[:16], version=5)


class Adoption(NamedTuple):
    """The day the General Assembly adopted an instrument, and the resolution that adopted it."""

    day: date
    resolution: str


# Source: paragraph 1 of the Secretary-General's report of 4 March 2002. General Assembly resolution 55/25 of
# 15 November 2000 adopted the Convention and the Trafficking and Smuggling Protocols (its annexes I-III);
# resolution 55/255 of 31 May 2001 the Firearms Protocol. No State signs or is bound before that.
ADOPTIONS: dict[Instrument, Adoption] = {
    Instrument.CONVENTION: Adoption(date(2000, 11, 15), "55/25"),
    Instrument.TRAFFICKING: Adoption(date(2000, 11, 15), "55/25"),
    Instrument.SMUGGLING: Adoption(date(2000, 11, 15), "55/25"),
    Instrument.FIREARMS: Adoption(date(2001, 5, 31), "55/255"),
}


def misdated(instrument: Instrument, kind: ActionKind, effective_date: date, today: date) -> str | None:
    """Why an action cannot have happened on its date, or None: before the instrument was adopted, or after
    `today` (which the caller reads from its clock)."""
    adopted = ADOPTIONS[instrument]
    if adopted.day <= effective_date <= today:
        return None  # the common case, asked a thousand times by a bulk import: no sentence is made
    said = f"{kind.value} dated {effective_date.isoformat()}"
    if effective_date < adopted.day:
        on = f"{adopted.day.day} {adopted.day:%B %Y}"
        by = f"General Assembly resolution {adopted.resolution}"
        return f"{said} is before {on}, when {by} adopted the instrument"
    return f"{said} is later than today"


class TreatyActionRecorded(Fact, CanInitAggregate[UUID]):
    """A participant signed, or deposited its consent to be bound, on `effective_date`."""

    originator_topic: str
    participant: str
    participant_name: str
    instrument: Instrument
    kind: ActionKind

    def apply(self, aggregate: Any) -> None:
        copy_onto(aggregate, self, "participant", "instrument", "kind", "effective_date")


class TreatyActionCorrected(Fact):
    """An earlier record of the action was wrong; from its recorded time on, this one stands."""

    participant: str
    instrument: Instrument
    kind: ActionKind
    previous_kind: ActionKind
    previous_date: date

    def apply(self, aggregate: Any) -> None:
        copy_onto(aggregate, self, "kind", "effective_date")


class TreatyAction(BaseAggregate[UUID]):
    """One signature or one consent of one participant to one instrument, with its corrections."""

    participant: str
    instrument: Instrument
    kind: ActionKind
    effective_date: date

    def __init__(self) -> None:
        """State is set by the events' apply methods, on creation and replay."""

    @classmethod
    def record(
        cls,
        *,
        participant: str,
        participant_name: str,
        instrument: Instrument,
        kind: ActionKind,
        effective_date: date,
        **recorded: Unpack[Recorded],
    ) -> TreatyAction:
        return cls._create(
            TreatyActionRecorded,
            id=treaty_action_id(participant, instrument, slot_of(kind)),
            **event_fields(recorded, effective_date),
            participant=participant,
            participant_name=participant_name,
            instrument=instrument,
            kind=kind,
        )

    @classmethod
    def recorded(
        cls,
        originator_topic: str,
        *,
        participant: str,
        participant_name: str,
        instrument: Instrument,
        kind: ActionKind,
        effective_date: date,
        **recorded: Unpack[Recorded],
    ) -> TreatyActionRecorded:
        """The event `record` creates, without making the aggregate (a bulk import stores a thousand new
        actions at once, and making each aggregate was a fifth of its time). `originator_topic` names this
        class as the store names it (eventsourcing's `get_topic`, which the domain cannot import)."""
        return TreatyActionRecorded(
            originator_topic=originator_topic,
            originator_id=treaty_action_id(participant, instrument, slot_of(kind)),
            originator_version=cls.INITIAL_VERSION,
            **event_fields(recorded, effective_date),
            participant=participant,
            participant_name=participant_name,
            instrument=instrument,
            kind=kind,
        )

    def agrees_with(self, kind: ActionKind, effective_date: date) -> bool:
        return self.kind is kind and self.effective_date == effective_date

    def correct(
        self,
        *,
        kind: ActionKind,
        effective_date: date,
        **recorded: Unpack[Recorded],
    ) -> None:
        """Record a correction when the new reading differs; the same reading records nothing."""
        if self.agrees_with(kind, effective_date):
            return
        self.trigger_event(
            TreatyActionCorrected,
            **event_fields(recorded, effective_date),
            participant=self.participant,
            instrument=self.instrument,
            kind=kind,
            previous_kind=self.kind,
            previous_date=self.effective_date,
        )
