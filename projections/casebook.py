"""Every engagement in memory, folded from the Engagements log as it grows; open steps and due dates."""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import cast
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.asked import LastLook
from domain.engagement import Engagement
from domain.events import EngagementEvent
from domain.groups import RegionalGroup, group_of
from domain.regions import Region, region_of
from domain.values import Instrument, Status, Step
from domain.views import CaseView
from projections.runner import LogBook, NotificationSource

PAGE = 1000
# Before every step's due date: the steps made at this moment are none of them overdue.
NEVER_DUE = datetime.min.replace(tzinfo=UTC)
# Stages a case can be at: the next step due, or how it ended.
STAGES = (*(s.value for s in Step if s is not Step.REQUEST), Status.COMPLETED.value, Status.WITHDRAWN.value)


class OpenStep(BaseModel):
    """A step a case awaits: since when, when it falls due, and what the workflow did about it.

    `since` and `due_at` count from the day the step became awaited in the world, so a case entered late
    is overdue at once; the workflow's reminder goes out when the step falls due, but no sooner than a
    day after it was recorded as awaited (`reminder_at`), so that nobody is chased for the steps they are
    entering.
    """

    model_config = ConfigDict(frozen=True)

    state: str
    state_name: str
    step: Step
    since: datetime
    due_at: datetime
    reminder_at: datetime
    overdue: bool
    reminded: bool
    escalated: bool


class CaseFilter(BaseModel):
    """What a list of cases is narrowed to; None lets everything through."""

    model_config = ConfigDict(frozen=True)

    region: Region | None = None
    group: RegionalGroup | None = None
    instrument: Instrument | None = None
    stage: str | None = None
    overdue: bool | None = None


def stage_of(case: CaseView) -> str:
    return case.stage.value if case.stage is not None else case.status.value


def open_steps(case: CaseView, due_days: dict[str, int], now: datetime) -> list[OpenStep]:
    """The awaited steps of a case; each falls due one due period after it became awaited in the world."""
    found = []
    for step in case.awaiting:
        period = timedelta(days=due_days.get(step.value, 60))
        since = case.awaited_at(step)
        due_at = since + period
        reminder_at = case.reminder_at(step, period)
        # Runs older than due periods counted in the world dated their reminders from the recorded time.
        recorded_due = case.awaited_since.get(step, case.modified_at) + period
        dates = {due_at.date(), recorded_due.date()}
        notices = [r for r in case.reminders if r.step is step and r.due_date in dates]
        found.append(
            OpenStep(
                state=case.state,
                state_name=case.state_name,
                step=step,
                since=since,
                due_at=due_at,
                reminder_at=reminder_at,
                overdue=due_at <= now,
                reminded=bool(notices),
                escalated=any(r.escalated for r in notices),
            )
        )
    return found


class CaseBook(LogBook[NotificationSource]):
    """Reads only what the log gained since the last look, so a page costs one query when nothing changed;
    each case's view is made once per change of the case, not once per page (10,000 cases: seconds)."""

    def __init__(self, log: NotificationSource) -> None:
        self._log = log
        self._lock = threading.Lock()
        self._engagements: dict[UUID, Engagement] = {}
        self._views: dict[UUID, CaseView] = {}
        self._by_state: dict[str, UUID] = {}
        self._sorted: list[CaseView] | None = None
        # Every open step of every case, none flagged overdue, for the due periods they were made with, and
        # their due times in order.
        self._awaited: tuple[tuple[tuple[str, int], ...], list[OpenStep], list[datetime]] | None = None
        self._position = 0
        self._last_look = LastLook()

    def _catch_up(self) -> None:
        changed: set[UUID] = set()
        while True:
            notes = self._log.read(self._position, PAGE)
            for position, event in notes:
                if isinstance(event, EngagementEvent):
                    known = self._engagements.get(event.originator_id)
                    self._engagements[event.originator_id] = cast(Engagement, event.mutate(known))
                    self._by_state[event.state] = event.originator_id
                    changed.add(event.originator_id)
                self._position = position
            if len(notes) < PAGE:
                break
        if changed:
            for engagement_id in changed:
                self._views[engagement_id] = self._engagements[engagement_id].view()
            self._sorted = None
            self._awaited = None

    def position(self) -> int:
        """The last event of the log the book has read, caught up first: what a page made from the book may
        be kept under, taken before the page is made."""
        with self._lock:
            self._up_to_date()
            return self._position

    def cases(self) -> list[CaseView]:
        with self._lock:
            self._up_to_date()
            return list(self._by_state_code())

    def _by_state_code(self) -> list[CaseView]:
        if self._sorted is None:
            self._sorted = sorted(self._views.values(), key=lambda c: c.state)
        return self._sorted

    def open_steps(self, due_days: Mapping[str, int], now: datetime) -> list[OpenStep]:
        """The open steps of every case (by State, then as each case awaits them), as `open_steps` makes
        them at `now`. They are made once per change of a case and flagged overdue on each call: making them
        for every case was a third of the dashboard's cost."""
        with self._lock:
            steps = self._steps(due_days)[0]
        return [s.model_copy(update={"overdue": True}) if s.due_at <= now else s for s in steps]

    def at_hand(self, due_days: Mapping[str, int], now: datetime) -> tuple[int, int] | None:
        """The book's position and how many steps are overdue at `now`, as `position` and `overdue_count`
        give them, when they need little work (see `ready`): None when the book is behind its log, another
        thread holds it, or every case's open steps must be made again."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            periods = tuple(sorted(due_days.items()))
            if not self._caught_up_quickly() or self._awaited is None or self._awaited[0] != periods:
                return None
            return self._position, bisect_right(self._awaited[2], now)
        finally:
            self._lock.release()

    def overdue_count(self, due_days: Mapping[str, int], now: datetime) -> int:
        """How many open steps are due by `now`. Over the same book (no event since) the same count means
        the same steps overdue: what a page made from them may be kept under."""
        with self._lock:
            return bisect_right(self._steps(due_days)[1], now)

    def _steps(self, due_days: Mapping[str, int]) -> tuple[list[OpenStep], list[datetime]]:
        periods = tuple(sorted(due_days.items()))
        self._up_to_date()
        if self._awaited is None or self._awaited[0] != periods:
            made = [s for c in self._by_state_code() for s in open_steps(c, dict(due_days), NEVER_DUE)]
            self._awaited = (periods, made, sorted(s.due_at for s in made))
        return self._awaited[1], self._awaited[2]

    def case(self, state: str) -> CaseView | None:
        with self._lock:
            self._up_to_date()
            found = self._by_state.get(state)
            return self._views[found] if found is not None else None


def select(
    cases: Iterable[CaseView], wanted: CaseFilter, due_days: dict[str, int], now: datetime
) -> list[CaseView]:
    """The cases that pass every filter given."""
    chosen = []
    for case in cases:
        if wanted.region is not None and region_of(case.state) is not wanted.region:
            continue
        if wanted.group is not None and group_of(case.state) is not wanted.group:
            continue
        if wanted.instrument is not None and wanted.instrument not in case.instruments:
            continue
        if wanted.stage is not None and stage_of(case) != wanted.stage:
            continue
        if wanted.overdue is not None:
            late = any(s.overdue for s in open_steps(case, due_days, now))
            if late is not wanted.overdue:
                continue
        chosen.append(case)
    return chosen
