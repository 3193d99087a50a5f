"""What Temporal shows of engagement workflows in trouble: runs that ended badly, running ones that are stuck
(a workflow task failing, an activity retrying, a command waiting too long), and signals they refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, PendingActivityState, PendingWorkflowTaskState
from temporalio.api.workflowservice.v1 import (
    DescribeWorkflowExecutionResponse,
    GetWorkflowExecutionHistoryReverseRequest,
)
from temporalio.client import Client, WorkflowQueryFailedError
from temporalio.service import RPCError

from web.incidents import Incident
from workflows.messages import WORKFLOW_NAME, EngagementStatus, workflow_id

# Runs that ended neither by completing their case nor by continuing as new.
ENDED_BADLY = ("Failed", "TimedOut", "Terminated", "Canceled")
QUERY_TIMEOUT_S = 3.0
# A workflow recording a command answers a query once its current workflow task ends: while a local
# activity is retried, the worker ends one every few seconds (at 80% of the task's 10 s timeout) and
# takes the next, whose original scheduled time stays that of the first.
BUSY_QUERY_TIMEOUT_S = 10.0
# How much later than its series' first a workflow task is scheduled when a worker extends the one it holds
# (every 8 s by default); a task scheduled once has both times a few nanoseconds apart.
EXTENDED_AFTER = timedelta(seconds=1)
# The workflows asked about (described, or queried for their refused signals), at most.
ASKED = 200
# What a query that finds no answer raises: the server or the worker did not answer in time, or the
# workflow's code failed to answer (as it does while its workflow task fails).
UNANSWERED = (TimeoutError, RPCError, WorkflowQueryFailedError)
# Events read back from the end of a history for its latest workflow task failure.
LAST_EVENTS = 50


def _state(run_id: str) -> str:
    return run_id.removeprefix("engagement-")


def _time(stamp: Timestamp) -> datetime | None:
    return stamp.ToDatetime(tzinfo=UTC) if stamp.seconds or stamp.nanos else None


def _waited(since: datetime, now: datetime) -> str:
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min" if seconds < 3600 else f"{seconds // 3600} h {seconds % 3600 // 60} min"


def _held(taken: bool, since: datetime, now: datetime) -> str:
    said = "taken by a worker that has not finished it" if taken else "taken by no worker"
    return f"{said} for {_waited(since, now)}"


async def ended_badly(client: Client) -> list[Incident]:
    statuses = " OR ".join(f"ExecutionStatus = '{s}'" for s in ENDED_BADLY)
    found = []
    query = f"WorkflowType = '{WORKFLOW_NAME}' AND ({statuses})"
    async for run in client.list_workflows(query, limit=500):
        status = run.status.name.replace("_", " ").lower() if run.status is not None else "ended"
        found.append(Incident(_state(run.id), run.close_time, f"workflow {status}", f"run {run.run_id}"))
    return found


async def refused_signals(client: Client, states: list[str]) -> list[Incident]:
    async def ask(state: str) -> list[Incident]:
        try:
            handle = client.get_workflow_handle(workflow_id(state))
            status = await asyncio.wait_for(
                handle.query("status", result_type=EngagementStatus), QUERY_TIMEOUT_S
            )
        except UNANSWERED:
            return []
        return [Incident(state, r.at, f"signal refused ({r.kind})", r.reason) for r in status.refusals]

    answers = await asyncio.gather(*(ask(state) for state in states[:ASKED]))
    return [incident for found in answers for incident in found]


async def _last_task_failure(client: Client, execution: WorkflowExecution) -> str:
    """The message of the run's latest workflow task failure, as its history keeps it (the first of a
    series: Temporal writes the attempts after it only once one succeeds)."""
    request = GetWorkflowExecutionHistoryReverseRequest(
        namespace=client.namespace, execution=execution, maximum_page_size=LAST_EVENTS
    )
    try:
        answer = await asyncio.wait_for(
            client.workflow_service.get_workflow_execution_history_reverse(request), QUERY_TIMEOUT_S
        )
    except (TimeoutError, RPCError):
        return "its history could not be read"
    for event in answer.history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            message = event.workflow_task_failed_event_attributes.failure.message
            return message.splitlines()[0] if message else "no message"
    return "its failure is further back in the history"


async def _queued(client: Client, state: str) -> tuple[str, ...]:
    """The commands the workflow holds, the one being recorded first, as its status query says."""
    handle = client.get_workflow_handle(workflow_id(state))
    try:
        status: EngagementStatus = await asyncio.wait_for(
            handle.query("status", result_type=EngagementStatus), BUSY_QUERY_TIMEOUT_S
        )
    except UNANSWERED:
        return ()
    return status.pending


async def _held_too_long(client: Client, state: str, since: datetime, now: datetime) -> Incident:
    """A workflow task a worker has held since `since`: what a command's activity does when it fails and is
    retried (a local activity runs within the task, which the worker keeps extending), or hangs."""
    queued = await _queued(client, state)
    if not queued:
        return Incident(state, since, "workflow task waiting", _held(True, since, now))
    more = f"; {len(queued) - 1} more queued behind it" if len(queued) > 1 else ""
    said = f"not recorded after {_waited(since, now)}: its activity fails and is retried, or hangs{more}"
    return Incident(state, since, f"command waiting ({queued[0].replace('_', ' ')})", said)


async def _why_stuck(
    client: Client, run: DescribeWorkflowExecutionResponse, now: datetime, after: timedelta
) -> list[Incident]:
    execution = run.workflow_execution_info.execution
    state = _state(execution.workflow_id)
    found: list[Incident] = []
    if run.HasField("pending_workflow_task"):
        task = run.pending_workflow_task
        waiting = _time(task.original_scheduled_time) or _time(task.scheduled_time)
        if task.attempt > 1:
            why = await _last_task_failure(client, execution)
            what = f"workflow task failing (attempt {task.attempt})"
            found.append(Incident(state, waiting, what, why))
        elif waiting is not None and now - waiting > after:
            # Scheduled again well after the first of a series: the worker extends the task it holds (the two
            # times of a task scheduled once differ by a few nanoseconds).
            again = _time(task.scheduled_time)
            extended = again is not None and again - waiting >= EXTENDED_AFTER
            if extended or task.state == PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED:
                found.append(await _held_too_long(client, state, waiting, now))
            else:
                found.append(Incident(state, waiting, "workflow task waiting", _held(False, waiting, now)))
    for activity in run.pending_activities:
        name = activity.activity_type.name
        since = _time(activity.scheduled_time)
        if activity.attempt > 1:
            what = f"activity {name} retrying (attempt {activity.attempt})"
            last = activity.last_failure.message.splitlines()[0] if activity.last_failure.message else ""
            found.append(Incident(state, since, what, last or "no failure message"))
        elif since is not None and now - since > after:
            taken = activity.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
            found.append(Incident(state, since, f"activity {name} waiting", _held(taken, since, now)))
    return found


async def stuck(client: Client, now: datetime, after: timedelta) -> list[Incident]:
    """Running engagement workflows whose latest workflow task failed, whose activity is being retried, or
    whose command has waited longer than `after` for a worker or for its activity to finish."""
    query = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"
    runs = [run async for run in client.list_workflows(query, limit=ASKED)]

    async def ask(workflow: str, run: str) -> list[Incident]:
        try:
            handle = client.get_workflow_handle(workflow, run_id=run)
            described = await asyncio.wait_for(handle.describe(), QUERY_TIMEOUT_S)
            return await _why_stuck(client, described.raw_description, now, after)
        except UNANSWERED:
            return []

    answers = await asyncio.gather(*(ask(run.id, run.run_id) for run in runs))
    return [incident for found in answers for incident in found]
