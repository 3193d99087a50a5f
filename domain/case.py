"""What an engagement holds: the state its events change (domain.events), apart from the decisions the
aggregate takes on it (domain.engagement). Changing it decides nothing: it runs again on every replay."""

from __future__ import annotations

from datetime import date, datetime

from domain.attachments import CaseDocument
from domain.progress import PREREQUISITES, Progress
from domain.recorded import UNKNOWN_DIGEST
from domain.values import AssistanceActivity, FocalPoint, GapItem, Instrument, LegislationOutcome, Step


class CaseState:
    """One State's engagement as its events left it."""

    progress: Progress
    state_name: str
    partners: tuple[str, ...]
    law_summary_document: str | None
    focal_point: FocalPoint | None
    gap_items: tuple[GapItem, ...]
    activities: tuple[tuple[date, AssistanceActivity], ...]
    assistance_requested: bool | None
    legislation_outcome: LegislationOutcome | None
    officials_trained: int | None
    reminders: tuple[tuple[Step, date, bool], ...]
    withdrawal_reason: str | None
    # Opened by the demo loader: every event of the case is demo data.
    demo: bool
    # Each command recorded, by its id: the digest of what it asked and the version it recorded.
    commands: dict[str, tuple[str, int]]
    # When each awaited step became awaited: the recorded time, and the effective date (the day the step
    # it waited for happened in the world), from which its due period counts.
    awaited_since: dict[Step, datetime]
    awaited_from: dict[Step, date]
    # The effective date of each step of the round done so far.
    completed_on: dict[Step, date]
    # The documents attached to the round's events, in the order they were recorded.
    documents: tuple[CaseDocument, ...]

    def start(
        self,
        *,
        state: str,
        state_name: str,
        received: date,
        instruments: tuple[Instrument, ...],
        partners: tuple[str, ...],
        at: datetime,
        demo: bool = False,
    ) -> None:
        """The state of an engagement whose request was just received."""
        self.demo = demo
        self.state_name = state_name
        self.commands = {}
        self.begin_round(
            Progress(state=state, received=received, instruments=instruments), partners=partners, at=at
        )

    def begin_round(self, progress: Progress, *, partners: tuple[str, ...], at: datetime) -> None:
        """The state of a round whose request was just received; commands recorded before are kept."""
        self.progress = progress
        self.partners = partners
        self.law_summary_document = None
        self.focal_point = None
        self.gap_items = ()
        self.activities = ()
        self.assistance_requested = None
        self.legislation_outcome = None
        self.officials_trained = None
        self.reminders = ()
        self.withdrawal_reason = None
        self.documents = ()
        self.completed_on = {Step.REQUEST: progress.received}
        self.awaited_since = dict.fromkeys(self.progress.awaiting(), at)
        self.awaited_from = dict.fromkeys(self.progress.awaiting(), progress.received)

    def complete(self, step: Step, at: datetime, on: date) -> None:
        """Mark `step` done at recorded time `at`, effective `on`. A step it makes awaited is awaited from
        `at` in the record, and in the world from the day the last of the steps it needs happened."""
        self.progress = self.progress.completing(step, on)
        self.completed_on = {**self.completed_on, step: on}
        awaited = self.progress.awaiting()
        self.awaited_since = {s: self.awaited_since.get(s, at) for s in awaited}
        self.awaited_from = {
            s: self.awaited_from.get(s) or max(self.completed_on.get(p, on) for p in PREREQUISITES[s])
            for s in awaited
        }

    def remember(self, command_id: str | None, digest: str | None, version: int) -> None:
        """Keep a recorded command's id, with what it asked and the version it recorded."""
        if command_id is not None:
            self.commands[command_id] = (digest or UNKNOWN_DIGEST, version)

    def command_digests(self) -> dict[str, str]:
        return {command_id: digest for command_id, (digest, _version) in self.commands.items()}
