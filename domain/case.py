"""What an engagement holds: the state its events change (domain.events), apart from the decisions the
aggregate takes on it (domain.engagement). Changing it decides nothing: it runs again on every replay."""

from __future__ import annotations

from datetime import date, datetime

from domain.progress import Progress
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
    # When each awaited step became awaited (a recorded time): due periods count from it.
    awaited_since: dict[Step, datetime]

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
        self.progress = Progress(state=state, received=received, instruments=instruments)
        self.state_name = state_name
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
        self.commands = {}
        self.awaited_since = dict.fromkeys(self.progress.awaiting(), at)

    def complete(self, step: Step, at: datetime) -> None:
        """Mark `step` done at recorded time `at`; steps it makes awaited are awaited from `at`."""
        self.progress = self.progress.completing(step)
        awaited = self.progress.awaiting()
        self.awaited_since = {s: self.awaited_since.get(s, at) for s in awaited}

    def remember(self, command_id: str | None, digest: str | None, version: int) -> None:
        """Keep a recorded command's id, with what it asked and the version it recorded."""
        if command_id is not None:
            self.commands[command_id] = (digest or UNKNOWN_DIGEST, version)

    def command_digests(self) -> dict[str, str]:
        return {command_id: digest for command_id, (digest, _version) in self.commands.items()}
