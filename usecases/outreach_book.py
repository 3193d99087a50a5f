"""The meetings, cooperation activities and plans the report and the dashboard name, kept by the web app as
the Outreach log last showed them: a dashboard asks for a few of them, and reading the whole log for each took
seconds at 20,000 events (minutes at 1,000,000)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import date
from uuid import UUID

from activities.outreach import MeetingRecord, by_first_day, take_meeting_event
from activities.programme import PlanRecord, plans_on, standing_after, take_plan_event
from activities.store.logs import EventLog
from domain.asked import LastLook
from domain.facts import Fact
from domain.outreach import CooperationActivityRecorded, MeetingCorrected, MeetingHeld
from projections.report.document import CooperationSummary, MeetingSummary
from projections.runner import LogBook
from projections.store import StoredFact
from usecases.reports import cooperation_summary

PAGE = 5_000
CooperationKey = tuple[str, str, date]


class OutreachBook(LogBook[EventLog]):
    """Reads only what the Outreach log gained since the last look; answers with the summaries, meetings and
    plans asked for."""

    def __init__(self, log: EventLog) -> None:
        self._log = log
        self._lock = threading.Lock()
        self._position = 0
        self._last_look = LastLook()
        self._meetings: dict[str, MeetingSummary] = {}
        self._cooperation: dict[CooperationKey, CooperationSummary] = {}
        # As Outreach.meetings and Programme.plans read them from the whole log.
        self._records: dict[UUID, MeetingRecord] = {}
        self._plans: dict[UUID, list[Fact]] = {}
        self._by_first_day: list[MeetingRecord] | None = None

    def _catch_up(self) -> None:
        while True:
            notes = self._log.read(self._position, PAGE)
            for position, event in notes:
                if isinstance(event, MeetingHeld | MeetingCorrected):
                    self._by_first_day = None
                take_meeting_event(self._records, event)
                take_plan_event(self._plans, event)
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
            self._up_to_date()
            held = [row.subject for row in rows.get("meetings_held", ())]
            meetings = [self._meetings[i] for i in held if i in self._meetings]
            counted = rows.get("cooperation_activities", ())
            keys = [(row.subject, row.object, row.effective_date) for row in counted]
            activities = [self._cooperation[key] for key in keys if key in self._cooperation]
        return meetings, activities

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting with its latest details, by first day then place (as `Outreach.meetings`)."""
        with self._lock:
            self._up_to_date()
            if self._by_first_day is None:
                self._by_first_day = by_first_day(self._records.values())
            return list(self._by_first_day)

    def plans(self, as_of: date | None = None) -> list[PlanRecord]:
        """Every plan as it stands, or stood on `as_of` (as `Programme.plans`)."""
        with self._lock:
            self._up_to_date()
            # A plan's events are only ever added to, under the lock: a copy of each list is read outside.
            events = {plan: list(found) for plan, found in self._plans.items()}
        return plans_on(events, as_of)

    def plans_after(self, day: date) -> list[PlanRecord]:
        """What was, on `day`, planned for after it and neither held nor cancelled (as `Programme.plans_after`
        reads it)."""
        return standing_after(self.plans(day), day)
