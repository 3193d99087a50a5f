"""The read-model port: fact rows with two times, tracking positions, and the queries figures need."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from projections.facts import Projected

_UTC_OFFSET = timedelta(0)


class TrackingConflict(Exception):
    """Another projector moved the read model's position first; this batch was not written."""


class FactQuery(BaseModel):
    """Facts of one kind (and object), effective in a date range, as known at a recorded time."""

    model_config = ConfigDict(frozen=True)

    fact: str
    object: str | None = None
    effective_from: date | None = None
    effective_to: date
    known_at: datetime | None = None
    # Demo data is left out of every figure unless it is asked for.
    include_demo: bool = False


class StoredFact(BaseModel):
    """A fact row as stored, with the event it came from."""

    model_config = ConfigDict(frozen=True)

    fact: str
    subject: str
    object: str
    effective_date: date
    recorded_at: datetime
    superseded_at: datetime | None
    application: str
    position: int
    origin: str
    version: int
    event_type: str
    demo: bool = False
    # When it was known, if before it was recorded (domain.facts.Fact.known_on); it counts from then.
    known_from: datetime | None = None


class FactStore(Protocol):
    """One adapter per database (SQLite, PostgreSQL); rows and tracking change in one transaction."""

    def position(self, application: str) -> int:
        """The last notification id of `application` this read model has taken in (0 if none)."""
        ...

    def positions(self) -> dict[str, int]: ...

    def content_key(self) -> Hashable:
        """What names the rows the store holds now, for answers kept from one call to the next: its positions
        in the logs, a mark the database moves with other connections' writes (rows changed by hand are read
        again), and for a store that moves from one read model to another, which one."""
        ...

    def apply(self, application: str, expected: int, batch: Sequence[Projected]) -> None:
        """Write the batch's rows and move the position from `expected` to the batch's last, atomically."""
        ...

    def count(self, query: FactQuery) -> int:
        """How many distinct subjects have such a fact."""
        ...

    def count_by_object(self, query: FactQuery) -> dict[str, int]:
        """Distinct subjects per object (query.object is ignored)."""
        ...

    def dated(self, query: FactQuery) -> list[tuple[str, date]]:
        """(subject, effective date) of every row the query selects, in no order: entry into force needs the
        days of the deposits, and making a StoredFact of each row took a third of the figures' time."""
        ...

    def facts(self, query: FactQuery, subjects: Sequence[str] | None = None) -> list[StoredFact]:
        """The rows behind a figure, oldest effective first."""
        ...

    def pairs(self, query: FactQuery) -> list[tuple[str, str]]:
        """(subject, object) of every row the query selects, in no order: for figures counted in Python."""
        ...

    def subjects(self, query: FactQuery) -> set[str]:
        """The distinct subjects of the rows the query selects: a State appears once however many rows."""
        ...

    def objects(self, query: FactQuery) -> dict[str, frozenset[str]]:
        """Each subject of the rows the query selects with its distinct objects, gathered by the store: one
        entry per State, where `pairs` gives one per row."""
        ...

    def rows(self, query: FactQuery) -> int:
        """How many rows the query selects (one per activity or request, not per State)."""
        ...

    def snapshot(self, upto: dict[str, int]) -> list[tuple[object, ...]]:
        """Every row as of the given positions, in a canonical order, to compare two read models."""
        ...

    def settle(self) -> None:
        """After a long catch-up, let the database prepare its reads of the new rows (PostgreSQL: their
        statistics, visibility and hint bits; SQLite needs nothing)."""
        ...

    def close(self) -> None: ...


class FreshStore(FactStore, Protocol):
    """A new read model a rebuild fills from nothing, which nobody reads until it is complete."""

    def complete(self) -> None:
        """Build what the filling left for the end (indexes) and make it durable, before a switch to it."""
        ...


def utc_text(moment: datetime) -> str:
    """A recorded time as fixed-width UTC text, so text order is time order (SQLite keeps text)."""
    if moment.utcoffset() == _UTC_OFFSET and moment.year >= 1000:
        # Stored times are UTC already: isoformat is a third faster than strftime, one call per event.
        return moment.isoformat(timespec="microseconds")[:-6] + "Z"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_utc_text(text: str) -> datetime:
    # fromisoformat reads utc_text's format (the Z as UTC) forty times faster than strptime; the figures
    # read one per fact row, and strptime was two thirds of their time over a large store (bench.asof).
    return datetime.fromisoformat(text)
