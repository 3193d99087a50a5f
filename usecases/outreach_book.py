"""The meetings and cooperation activities the report names, kept by the web app as the Outreach log last
showed them: a dashboard asks for a few of them, and reading the whole log for each took seconds at 20,000
events (minutes at 1,000,000)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date

from activities.store.logs import EventLog
from domain.outreach import CooperationActivityRecorded, MeetingCorrected, MeetingHeld
from projections.report.document import CooperationSummary, MeetingSummary
from projections.store import StoredFact
from usecases.reports import cooperation_summary

PAGE = 5_000
CooperationKey = tuple[str, str, date]


class OutreachBook:
    """Reads only what the Outreach log gained since the last look; answers with the summaries asked for."""

    def __init__(self, log: EventLog) -> None:
        self._log = log
        self._lock = threading.Lock()
        self._position = 0
        self._meetings: dict[str, MeetingSummary] = {}
        self._cooperation: dict[CooperationKey, CooperationSummary] = {}

    def _catch_up(self) -> None:
        while True:
            notes = self._log.read(self._position, PAGE)
            for position, event in notes:
                if isinstance(event, MeetingHeld | MeetingCorrected):
                    meeting_id = str(event.originator_id)
                    if isinstance(event, MeetingHeld) or meeting_id in self._meetings:
                        self._meetings[meeting_id] = MeetingSummary.of(meeting_id, event.details)
                elif isinstance(event, CooperationActivityRecorded):
                    key = (event.state, event.kind.value, event.effective_date)
                    # As the report's own look-up keeps it: the last recorded of one State, kind and day.
                    self._cooperation[key] = cooperation_summary(event)
                self._position = position
            if len(notes) < PAGE:
                return

    def details(
        self, rows: Mapping[str, Sequence[StoredFact]]
    ) -> tuple[list[MeetingSummary], list[CooperationSummary]]:
        """The summaries of the meetings and activities that the figures' rows count."""
        with self._lock:
            self._catch_up()
            held = [row.subject for row in rows.get("meetings_held", ())]
            meetings = [self._meetings[i] for i in held if i in self._meetings]
            counted = rows.get("cooperation_activities", ())
            keys = [(row.subject, row.object, row.effective_date) for row in counted]
            activities = [self._cooperation[key] for key in keys if key in self._cooperation]
        return meetings, activities
