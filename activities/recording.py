"""What every application that records the world shares: a chained store, a clock for the recorded time, and
the participants directory that names States."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import DomainEventProtocol

from activities.participants import ParticipantDirectory, directory
from activities.store.chain import AuditKeyError, key_from
from activities.store.mapper import project
from activities.store.recorders import ChainedApplication

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


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
