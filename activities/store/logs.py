"""Reading an application's notification log as decoded events, for projections and audits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import Composable

from activities.store.recorders import ChainedApplication
from domain.facts import Fact

# The applications whose logs feed the read models, by the name that prefixes their settings and tables.
APPLICATIONS = ("Engagements", "Treaties", "Outreach", "Resources", "Legislation")
# Every application whose log is chained, verified and sealed: the read models' and who may use the system
# (users, roles, scopes, tokens) and the answers kept for keyed API requests.
AUDITED = (*APPLICATIONS, "Users", "RequestKeys")


class EventLog(ChainedApplication):
    """A read-only view of one application's notification log, in large pages."""

    def __init__(self, name: str, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        super().__init__(env)

    def read(self, after: int, limit: int) -> list[tuple[int, Fact]]:
        notes = self.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False)
        return [(n.id, cast(Fact, self.mapper.to_domain_event(n))) for n in notes]

    def last(self) -> int:
        return self.recorder.max_notification_id() or 0

    def end_statement(self) -> Composable | None:
        """The statement `last` runs, for a reader that reads several logs' ends at once: PostgreSQL only."""
        recorder = self.recorder
        return (
            recorder.max_notification_id_statement
            if isinstance(recorder, PostgresApplicationRecorder)
            else None
        )
