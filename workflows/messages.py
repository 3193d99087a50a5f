"""Payloads that cross the wire to and from the engagement workflow (names here are contracts)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ConfigDict, Field

    from domain.commands import OpenEngagement, StateCode
    from domain.values import Step
    from domain.views import CaseView

WORKFLOW_NAME = "Engagement"
DEFAULT_TASK_QUEUE = "palermo-engagements"
DEFAULT_DUE_DAYS: dict[Step, int] = {
    Step.LAW_SUMMARY: 60,
    Step.FOCAL_POINT: 60,
    Step.GAP_LIST: 90,
    Step.ASSISTANCE: 180,
    Step.LEGISLATION: 730,
    Step.TRAINING: 180,
}
# Continue as new before the history gets long; the case lives in the event store anyway.
DEFAULT_HISTORY_LIMIT = 2_000


def workflow_id(state: str) -> str:
    """The workflow id of a State's engagement: `engagement-<ISO3>`."""
    return f"engagement-{state.strip().upper()}"


class Deadline(BaseModel):
    """When an awaited step falls due, and what was done about it being overdue."""

    model_config = ConfigDict(frozen=True)

    step: Step
    due_at: datetime
    reminded: bool = False
    escalated: bool = False
    # When its reminder goes out (CaseView.reminder_at: no sooner than a day after a step entered late
    # was recorded as awaited); None in runs that count due periods from the recorded time alone.
    remind_at: datetime | None = None


class Refusal(BaseModel):
    """A signal the workflow could not act on (signals answer nothing, so refusals are kept here)."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: str
    reason: str


class EngagementInput(BaseModel):
    """The workflow's start argument; also what one run hands to the next on continue-as-new."""

    model_config = ConfigDict(frozen=True)

    state: StateCode
    open: OpenEngagement | None = None
    due_days: dict[Step, int] = Field(default_factory=lambda: dict(DEFAULT_DUE_DAYS))
    history_limit: int = Field(default=DEFAULT_HISTORY_LIMIT, ge=100)
    case: CaseView | None = None
    deadlines: tuple[Deadline, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    # Signals received so far, by content: carried on so that their ids stay what they were.
    signals_seen: dict[str, int] = Field(default_factory=dict)


class EngagementStatus(BaseModel):
    """What the `status` query answers: the case, what is queued, deadlines and refused signals."""

    model_config = ConfigDict(frozen=True)

    case: CaseView | None
    pending: tuple[str, ...]
    deadlines: tuple[Deadline, ...]
    refusals: tuple[Refusal, ...]
