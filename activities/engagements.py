"""The Engagements application: records engagement commands in the event store, idempotently."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, cast

from eventsourcing.persistence import IntegrityError
from pydantic import BaseModel, ConfigDict

from activities.case_cache import CaseCache
from activities.participants import ParticipantDirectory
from activities.recording import Clock, Recording, utc_now
from activities.resources import Resources
from domain.commands import Command
from domain.doors import admitted
from domain.engagement import Engagement, engagement_id
from domain.errors import DomainError
from domain.events import EngagementEvent
from domain.progress import check
from domain.successions import engaged_code
from domain.values import Door
from domain.views import CaseView

# Two writers of one case (a retried activity beside its first attempt) meet at the unique key;
# the loser reloads and finds either its own command recorded or a new state to decide against.
CONFLICT_RETRIES = 5


class _Stale(Exception):
    """A case from the cache refused a command: it may be behind the store, so the store decides."""


class HistoryEntry(BaseModel):
    """One stored event of a case, as auditors and the command line read it."""

    model_config = ConfigDict(frozen=True)

    type: str
    version: int
    round: int
    effective_date: date
    recorded_at: datetime
    actor: str
    door: Door | None
    source: str | None
    command_id: str | None
    # Demo data (domain.facts.Fact.demo): made up to show the engine.
    demo: bool = False
    data: dict[str, Any]
    # The State's name as the United Nations used it on the event's effective date (Yugoslavia in 2001,
    # Serbia and Montenegro in 2004, Serbia in 2006).
    state_name: str | None = None


class Engagements(Recording):
    """Opens engagements and records their steps; every write is one command, recorded once.

    With `resources`, assistance draws its pool experts and the funds for its costs from them: a command
    they refuse records nothing.
    """

    name = "Engagements"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        participants: ParticipantDirectory | None = None,
        clock: Clock = utc_now,
        resources: Resources | None = None,
    ) -> None:
        super().__init__(env, participants=participants, clock=clock)
        self.resources = resources
        self.cases = CaseCache()

    def find(self, state: str) -> Engagement | None:
        return self.stored(Engagement, engagement_id(state))

    def engaged_code(self, state: str) -> str:
        """The code the State's engagement was opened under, among every code the State has borne
        (Yugoslavia's YUG for Serbia); `state` itself when none has an engagement."""
        return engaged_code(state, lambda code: self.find(code) is not None)

    def case(self, state: str) -> CaseView | None:
        engagement = self.find(state)
        return engagement.view() if engagement else None

    def case_of_round(self, state: str, round_number: int) -> CaseView | None:
        """The case as its round `round_number` left it (the current round as it stands), or None if the
        State's engagement has no such round."""
        last = None
        for event in self.events.get(engagement_id(state)):
            assert isinstance(event, EngagementEvent)
            if event.round > round_number:
                break
            if event.round == round_number:
                last = event.originator_version
        return None if last is None else self.case_at(state, last)

    def case_at(self, state: str, version: int) -> CaseView:
        """The case as it stood once its `version`-th event was recorded."""
        return cast(Engagement, self.repository.get(engagement_id(state), version=version)).view()

    def handle(self, command: Command, not_before: datetime | None = None) -> CaseView:
        """Record `command` (or find it already recorded) and return the case as it now stands.

        The recorded time is the clock's, or `not_before` if that is later (a server's clock
        that runs ahead, as the time-skipping test server's does). The door it records is the one its
        seal proves (domain.doors), else Temporal.
        """
        command = admitted(command, self.audit_key)
        cached = True
        for _ in range(CONFLICT_RETRIES):
            try:
                return self._handle_once(command, not_before, cached=cached)
            except (IntegrityError, _Stale):
                cached = False
        return self._handle_once(command, not_before, cached=False)

    def _now(self, not_before: datetime | None) -> datetime:
        now = self.clock()
        return max(now, not_before) if not_before is not None else now

    def _handle_once(self, command: Command, not_before: datetime | None, *, cached: bool) -> CaseView:
        """Decide on the case as this process last recorded it (`cached`), else as the store holds it.

        A cached case saves a read. It is behind the store if another process recorded a step since: then
        an event decided on it takes a version already stored and meets the unique key, and a refusal (or
        a command it does not know as recorded) may be wrong, so either way the store decides again.
        """
        engagement = self.cases.take(command.state) if cached else None
        from_cache = engagement is not None
        if engagement is None:
            engagement = self.find(command.state)
        try:
            if engagement is not None:
                version = engagement.recorded_version(command)
                if version is not None:
                    # A retry: the first answer again, the case as this command left it.
                    if from_cache:
                        self.cases.keep(command.state, engagement)
                    return self.case_at(command.state, version)
            now = self._now(not_before)
            if engagement is None:
                check(None, command, now.date())  # refuses every command but the request
                participant = self.participants.get(command.state)
                engagement = Engagement.open(command, participant.name, now)
            else:
                engagement.execute(command, now)
        except DomainError:
            if from_cache:
                raise _Stale() from None
            raise
        if self.resources is not None:
            # Checked against the rules above first: only a command the case takes draws on resources
            # (once per command: a retry after a stale case finds its charge already made).
            self.resources.draw(command, engagement.progress.instruments, now)
        self.save(engagement)
        self.cases.keep(command.state, engagement)
        return engagement.view()

    def history(self, state: str, upto: int | None = None) -> list[HistoryEntry]:
        """Every stored event of the State's engagement, in version order (up to version `upto`, if given)."""
        entries = []
        for event in self.events.get(engagement_id(state), lte=upto):
            assert isinstance(event, EngagementEvent)
            data = event.model_dump(
                mode="json",
                exclude={
                    "originator_id",
                    "originator_version",
                    "timestamp",
                    "actor",
                    "effective_date",
                    "source",
                    "command_id",
                    "command_digest",
                    "door",
                    "originator_topic",
                    "demo",
                    "known_on",
                    "round",
                },
            )
            entries.append(
                HistoryEntry(
                    type=type(event).__name__,
                    version=event.originator_version,
                    round=event.round,
                    effective_date=event.effective_date,
                    recorded_at=event.timestamp,
                    actor=event.actor,
                    door=event.door,
                    source=event.source,
                    command_id=event.command_id,
                    demo=event.demo,
                    data=data,
                    state_name=self.participants.name_on(state, event.effective_date),
                )
            )
        return entries
