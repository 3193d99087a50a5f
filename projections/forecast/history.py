"""What was known of signatures and consents on a date: the forecasts' only input from the treaty tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.values import Instrument
from projections import facts as f
from projections.store import FactQuery, FactStore


@dataclass(frozen=True, slots=True)
class Record:
    """One participant's signature and consent to be bound for one instrument, each a day or None."""

    signed: date | None = None
    party: date | None = None


# Per instrument, each participant with an action on it.
History = dict[Instrument, dict[str, Record]]


def read_history(store: FactStore, as_of: date, known_at: datetime | None = None) -> History:
    """The actions effective by `as_of` (and recorded by `known_at`), as the read model holds them."""
    history: History = {}
    for instrument in Instrument:
        found: dict[str, Record] = {}
        for fact in (f.SIGNATURE, f.PARTY):
            query = FactQuery(fact=fact, object=instrument.value, effective_to=as_of, known_at=known_at)
            for row in store.facts(query):
                was = found.get(row.subject, Record())
                if fact == f.SIGNATURE:
                    found[row.subject] = Record(signed=row.effective_date, party=was.party)
                else:
                    found[row.subject] = Record(signed=was.signed, party=row.effective_date)
        history[instrument] = found
    return history


def cut(history: History, day: date) -> History:
    """The same history as it stood on `day`: actions effective later are dropped."""

    def kept(record: Record) -> Record:
        signed = record.signed if record.signed is not None and record.signed <= day else None
        party = record.party if record.party is not None and record.party <= day else None
        return Record(signed=signed, party=party)

    return {
        instrument: {
            who: kept(record)
            for who, record in records.items()
            if (record.signed is not None and record.signed <= day)
            or (record.party is not None and record.party <= day)
        }
        for instrument, records in history.items()
    }


def parties(history: History, instrument: Instrument, day: date) -> int:
    """How many participants were parties to `instrument` on `day`."""
    return sum(1 for r in history[instrument].values() if r.party is not None and r.party <= day)


def last_day(history: History) -> date | None:
    """The latest action of the history: how far its tables reach."""
    days = [d for records in history.values() for r in records.values() for d in (r.signed, r.party) if d]
    return max(days) if days else None
