"""How the workflow records a command: the engagement activities, run locally once a run reached the patch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.engagement_activities import CaseCommand, CaseRef, EngagementActivities
    from domain.commands import Command
    from domain.views import CaseView

# One command is one small write; the timeout is how long a step waits when the worker running its
# activity dies (kill -9, a lost node): Temporal cannot tell before then. (A local activity's worker
# that dies loses its workflow task, which times out after as long, Temporal's default of 10 s.)
# A late first attempt is harmless, since the retry finds its command recorded.
ACTIVITY_TIMEOUT = timedelta(seconds=10)
# Infrastructure faults (a database restart) are retried without limit: a command waits, never drops.
ACTIVITY_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# Runs that reach this marker take fewer history events per step. Their activities run as local
# activities, in the worker that holds the workflow task: one marker event instead of four activity
# events and a second workflow task. A worker that dies mid-step loses the workflow task, and another
# worker runs the step again (the command's id keeps the retry from recording it twice). And their
# alarm timer is kept while the next alarm is no sooner, instead of being cancelled and started anew
# at every step. Runs begun before it keep their activity tasks and timers.
FEWER_EVENTS_PATCH = "fewer-events-per-step"

P = TypeVar("P")
R = TypeVar("R")


def local() -> bool:
    """Whether this run runs its activities locally (see FEWER_EVENTS_PATCH)."""
    return workflow.patched(FEWER_EVENTS_PATCH)


async def _execute(activity: Callable[[EngagementActivities, P], R], arg: P) -> R:
    """Run one of the engagement activities: locally in runs that reached the patch, else as a task."""
    execute = workflow.execute_local_activity_method if local() else workflow.execute_activity_method
    return await execute(activity, arg, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=ACTIVITY_RETRY)


async def load_case(state: str) -> CaseView | None:
    """The case as the event store holds it, or None if the State's request was never recorded."""
    return await _execute(EngagementActivities.load_case, CaseRef(state=state))


async def record_command(command: Command) -> CaseView:
    """Record the command (or find it recorded) and return the case as the command left it."""
    # Only local runs say when the workflow ran the command: older histories hold the plain payload.
    not_before = workflow.now() if local() else None
    payload = CaseCommand(command=command, not_before=not_before)
    return await _execute(EngagementActivities.record_command, payload)
