"""What every application that records the world shares: a chained store, a clock for the recorded time, and
the participants directory that names States."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from activities.participants import ParticipantDirectory, directory
from activities.store.chain import AuditKeyError, key_from
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
