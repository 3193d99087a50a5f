"""What every application that records the world shares: a chained store, a clock for the recorded time, and
the participants directory that names States."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import BaseAggregate, DomainEventProtocol
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Mapper

from activities.participants import ParticipantDirectory, directory
from activities.store.chain import AuditKeyError, key_from
from activities.store.mapper import project
from activities.store.recorders import ChainedApplication
from domain.errors import EffectiveDateInFuture
from domain.facts import Stamp, Told, stamp_of

T = TypeVar("T")
A = TypeVar("A", bound=BaseAggregate[UUID])
Clock = Callable[[], datetime]
CONFLICT_RETRIES = 5
# The notification log's default page is 10; read-backs read it in large pages.
PAGE = 1000


def utc_now() -> datetime:
    return datetime.now(UTC)


def retrying(action: Callable[[], T]) -> T:
    """`action`, again while a concurrent writer of the same record meets it at the unique key (each time it
    reloads, then decides again); the last try's error is the caller's."""
    for _ in range(CONFLICT_RETRIES):
        try:
            return action()
        except IntegrityError:
            continue
    return action()


def not_after_today(clock: Clock, effective_date: date, concerning: str) -> datetime:
    """Now by `clock`, once `effective_date` (of what `concerning` names) is found not to be after today."""
    now = clock()
    if effective_date > now.date():
        raise EffectiveDateInFuture(
            f"The effective date {effective_date} of {concerning} is after today ({now.date()})."
        )
    return now


def events_of(recorder: ApplicationRecorder, mapper: Mapper[UUID]) -> Iterator[object]:
    """Every event of an application's log, in the order recorded, read in large pages."""
    after = 0
    while True:
        notes = recorder.select_notifications(start=after, limit=PAGE, inclusive_of_start=False)
        for note in notes:
            yield mapper.to_domain_event(note)
        if len(notes) < PAGE:
            return
        after = notes[-1].id


class Recording(ChainedApplication):
    """An application of ours: its events chained, stamped by `clock`, its States named by `participants`."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        participants: ParticipantDirectory | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(env)
        self.participants = participants or directory()
        self.clock = clock

    _audit_key: bytes | None = None

    def _dated_now(self, effective_date: date, concerning: str) -> datetime:
        return not_after_today(self.clock, effective_date, concerning)

    def _stamp(self, told: Told, concerning: str) -> Stamp:
        """What a command told, stamped now, once its effective date is found not to be after today."""
        return stamp_of(told, self._dated_now(told["effective_date"], concerning))

    @staticmethod
    def _retrying(action: Callable[[], T]) -> T:
        return retrying(action)

    def _events(self) -> Iterator[object]:
        return events_of(self.recorder, self.mapper)

    def stored(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The `kind` aggregate stored under `aggregate_id`; None if the store holds none."""
        try:
            return cast(A, self.repository.get(aggregate_id))
        except AggregateNotFoundError:
            return None

    def make_or_change(
        self, kind: type[A], aggregate_id: UUID, make: Callable[[], A], change: Callable[[A], None]
    ) -> A:
        """The aggregate stored under `aggregate_id` changed by `change`, or made by `make` if there is none;
        saved when either recorded an event (the same details again record nothing)."""
        aggregate = self.stored(kind, aggregate_id)
        if aggregate is None:
            aggregate = make()
        else:
            change(aggregate)
        if aggregate.pending_events:
            self.save(aggregate)
        return aggregate

    @property
    def audit_key(self) -> bytes | None:
        """The key that chains this application's events and checks a door's seal; None if it has none
        (an in-memory store, which is not chained either)."""
        if self._audit_key is None:
            try:
                self._audit_key = key_from(self.env)
            except AuditKeyError:
                return None
        return self._audit_key

    def existing(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        """The aggregates of `ids` that the store holds, read together: one query on the chained stores
        (a bulk import would otherwise spend half its time reading aggregates one by one)."""
        select = getattr(self.recorder, "select_events_of", None)
        if select is None:  # the in-memory store of some tests
            found: dict[UUID, Any] = {}
            for aggregate_id in ids:
                try:
                    found[aggregate_id] = self.repository.get(aggregate_id)
                except AggregateNotFoundError:
                    continue
            return found
        events: dict[UUID, list[DomainEventProtocol[UUID]]] = {}
        for stored in select(ids):
            events.setdefault(stored.originator_id, []).append(self.mapper.to_domain_event(stored))
        return {aggregate_id: project(None, history) for aggregate_id, history in events.items()}
