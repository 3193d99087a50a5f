"""`temporal workflow reset`, of every type and with every choice of what it reapplies, in the middle of 100
cases and again once they are done: no event is stored twice, and every command sent is answered."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from temporalio.api.enums.v1 import BatchOperationState, EventType, WorkflowTaskFailedCause
from temporalio.api.workflowservice.v1 import DescribeBatchOperationRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Replayer

from activities.engagements import Engagements
from deploy.worker import ACTIVITY_THREADS, build_worker
from domain.commands import Command
from domain.values import Door, Status
from domain.views import CaseView
from tests.integration.deployment import all_of, recorded, states
from tests.servers import temporal_dev_server_path
from tests.workflows.case_commands import CaseCommands
from usecases.cases import connect, send, start_input
from usecases.settings import Settings
from workflows.client import CommandRefused
from workflows.engagement import EngagementWorkflow
from workflows.messages import workflow_id

pytestmark = pytest.mark.postgres

CASES = 100
COMPLETED = BatchOperationState.BATCH_OPERATION_STATE_COMPLETED
RESET = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW
# Every reset type the `temporal` command offers (an event id stands for a point of the operator's choosing).
CONTINUE_WITHIN_S = 10
RESET_TYPES = ("FirstWorkflowTask", "LastWorkflowTask", "LastContinuedAsNew", "BuildId", "EventId")
# What the reset reapplies after its point: everything (the default), or all but signals, updates, both.
EXCLUDED = (None, "Signal", "Update", "All")
# Cases reset to their last continue-as-new run with a short history, so that they have one to go back to.
SHORT_HISTORY = 100
EXTRA_WORKSHOPS = 14
# Cases driven at once: enough for resets to meet commands in flight, few enough that on two busy cores a
# workflow task still finishes well within its ten seconds (a late one fails, and holds updates off).
AT_ONCE = 25
ANSWER_WITHIN_S = 120.0


@dataclass(frozen=True)
class Plan:
    """One case: its commands, which go by id-less signal, and the reset it gets."""

    state: str
    reset_type: str
    excluded: str | None

    @property
    def long(self) -> bool:
        return self.reset_type == "LastContinuedAsNew"

    def commands(self) -> list[Command]:
        steps = CaseCommands(self.state)
        workshops = [
            steps.assistance_activity(n) for n in range(1, 3 + (EXTRA_WORKSHOPS if self.long else 0))
        ]
        return [
            steps.open(),
            steps.law_summary(),
            steps.focal_point(),
            steps.gap_list(),
            *workshops,
            steps.bill(),
            steps.assistance(),
            steps.legislation(),
            steps.training(),
        ]


def plans(codes: Sequence[str]) -> list[Plan]:
    combinations = [(t, e) for t in RESET_TYPES for e in EXCLUDED]
    return [Plan(state, *combinations[n % len(combinations)]) for n, state in enumerate(codes)]


def by_signal(command: Command) -> bool:
    """The focal point and the first workshop go as signals without an id, as the stock client sends them."""
    return command.kind == "focal_point" or (
        command.kind == "assistance_activity" and "workshop 1" in str(command)
    )


async def answered(client: Client, settings: Settings, command: Command) -> CaseView:
    """Send until answered, under the same id: a reset may cut off the answer of the run it ends."""
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while True:
        try:
            return await send(client, settings, command, door=Door.CLI)
        except CommandRefused:
            raise
        except Exception as error:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{command.kind} of {command.state}: {await task_failure(client, command.state)}"
                ) from error
            await asyncio.sleep(0.2)


async def task_failure(client: Client, state: str) -> str:
    """Why the State's workflow is stuck: its last workflow task failure (other than a reset's), how many
    of its workflow tasks timed out, and the attempt of the one pending."""
    handle = client.get_workflow_handle(workflow_id(state))
    history = await handle.fetch_history()
    failures = [
        e.workflow_task_failed_event_attributes
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        and e.workflow_task_failed_event_attributes.cause != RESET
    ]
    timeouts = sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT for e in history.events)
    pending = (await handle.describe()).raw_description.pending_workflow_task
    last = f"{failures[-1].failure.message}\n{failures[-1].failure.stack_trace}" if failures else "none"
    return f"last task failure: {last}; tasks timed out: {timeouts}; pending task attempt {pending.attempt}"


async def signalled(client: Client, store: Engagements, command: Command, before: int) -> None:
    """Signal the command without an id; wait until the event store holds it.

    The store is read on a thread: the worker runs on this event loop, and must not wait for it.
    """
    payload = command.model_dump(mode="json", exclude={"command_id"})
    await client.get_workflow_handle(workflow_id(command.state)).signal(command.kind, payload)
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while len(await asyncio.to_thread(store.history, command.state)) <= before:
        assert time.monotonic() < deadline, f"the {command.kind} signal of {command.state} was not recorded"
        await asyncio.sleep(0.1)


# A namespace runs one batch operation at a time: batch resets take turns.
BATCHES = asyncio.Lock()
JOB = re.compile(r"Started batch for job ID: (\S+)")


async def batch_finished(client: Client, settings: Settings, output: str) -> None:
    job = JOB.search(output)
    assert job is not None, output
    request = DescribeBatchOperationRequest(namespace=settings.temporal_namespace, job_id=job.group(1))
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while (await client.workflow_service.describe_batch_operation(request)).state != COMPLETED:
        assert time.monotonic() < deadline, f"batch {job.group(1)} did not finish"
        await asyncio.sleep(0.1)


async def continued(handle: WorkflowHandle[Any, Any]) -> bool:
    """Whether the workflow's current run was continued from another, waiting a moment for one about to be."""
    deadline = time.monotonic() + CONTINUE_WITHIN_S
    while True:
        history = await handle.fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        if started.continued_execution_run_id:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)


async def reset(client: Client, settings: Settings, plan: Plan) -> None:
    """Reset the case's workflow the way an operator would, with the `temporal` command."""
    handle = client.get_workflow_handle(workflow_id(plan.state))
    argv = [temporal_dev_server_path(), "workflow", "reset", "--address", settings.temporal_address]
    argv += ["--namespace", settings.temporal_namespace, "-w", workflow_id(plan.state), "--reason", "test"]
    if plan.reset_type == "EventId":
        history = await handle.fetch_history()
        completed = [
            e.event_id for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        ]
        argv += ["--event-id", str(completed[len(completed) // 2])]
    elif plan.reset_type == "BuildId":
        # Offered for batches only: a batch of the one workflow, which resets it in the background.
        described = await handle.describe()
        stamp = described.raw_description.workflow_execution_info.most_recent_worker_version_stamp
        argv[argv.index("-w") : argv.index("-w") + 2] = [
            "--query",
            f"WorkflowId = '{workflow_id(plan.state)}'",
        ]
        argv += ["--type", "BuildId", "--build-id", stamp.build_id, "--yes"]
    elif plan.reset_type == "LastContinuedAsNew" and not await continued(handle):
        # The run it would reset to does not exist (the run now is a reset's, say, that finished the case
        # before it grew long): Temporal refuses that type; reset to the last workflow task instead.
        argv += ["--type", "LastWorkflowTask"]
    else:
        argv += ["--type", plan.reset_type]
    if plan.excluded is not None:
        argv += ["--reapply-exclude", plan.excluded]
    before = (await handle.describe()).run_id
    if plan.reset_type == "BuildId":
        async with BATCHES:
            done = await reset_command(argv)
            assert done.returncode == 0, f"{' '.join(argv[1:])}: {done.stdout}{done.stderr}"
            await batch_finished(client, settings, done.stdout)
    else:
        done = await reset_command(argv)
        assert done.returncode == 0, f"{' '.join(argv[1:])}: {done.stdout}{done.stderr}"
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while (await handle.describe()).run_id == before:
        assert time.monotonic() < deadline, f"{plan.state} was not reset: {done.stdout}"
        await asyncio.sleep(0.1)


async def reset_command(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `temporal workflow reset`, again while the server answers that it failed and asks for a retry
    (it does when the reset meets the workflow's own task in flight), as an operator would: for as long as
    a step may take to be answered, since on a loaded machine a task stays in flight for seconds (five
    tries half a second apart were once not enough)."""
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while True:
        done = await asyncio.to_thread(subprocess.run, argv, capture_output=True, text=True, timeout=60)
        if done.returncode == 0 or "please retry" not in done.stderr or time.monotonic() > deadline:
            return done
        await asyncio.sleep(0.5)


async def settled(client: Client, plan: Plan) -> None:
    handle = client.get_workflow_handle(workflow_id(plan.state))
    deadline = time.monotonic() + ANSWER_WITHIN_S
    while (status := await handle.query("status"))["pending"]:
        assert time.monotonic() < deadline, (plan, status["pending"])
        await asyncio.sleep(0.1)


async def replay_every_run(client: Client, codes: Sequence[str]) -> int:
    """Replay each run of each State's workflow through the Replayer; the number replayed."""
    replayer = Replayer(workflows=[EngagementWorkflow], data_converter=client.data_converter)
    count = 0
    for state in codes:
        # The original run and the two that the resets began, at least; listing may lag a moment.
        deadline = time.monotonic() + ANSWER_WITHIN_S
        while (
            len(runs := [r async for r in client.list_workflows(f"WorkflowId = '{workflow_id(state)}'")]) < 3
        ):
            assert time.monotonic() < deadline, f"{state}: {len(runs)} runs listed"
            await asyncio.sleep(0.2)
        for run in runs:
            history = await client.get_workflow_handle(run.id, run_id=run.run_id).fetch_history()
            result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
            assert result.replay_failure is None, f"{state} run {run.run_id}: {result.replay_failure}"
            count += 1
    return count


async def drive(
    client: Client, settings: Settings, store: Engagements, plan: Plan, resets: list[str]
) -> Status:
    if plan.long:
        short = start_input(settings, plan.state).model_copy(update={"history_limit": SHORT_HISTORY})
        await client.start_workflow(
            EngagementWorkflow.run, short, id=workflow_id(plan.state), task_queue=settings.task_queue
        )
    commands = plan.commands()
    middle = len(commands) - 4
    case: CaseView | None = None
    for n, command in enumerate(commands):
        if by_signal(command):
            await signalled(client, store, command, before=n)
            continue
        sending = asyncio.create_task(answered(client, settings, command))
        if n == middle:
            # While an update is on its way: the reset may land before, during or after it.
            await reset(client, settings, plan)
            resets.append(plan.state)
        case = await sending
        assert case.version == n + 1, (plan, command.kind, case.version)
    assert case is not None
    # Once more, the case done: every signal and update after the point comes back to the new run.
    await reset(client, settings, plan)
    resets.append(plan.state)
    return case.status


async def test_resets_of_every_type_during_a_hundred_cases_store_no_event_twice(deployed: Settings) -> None:
    client = await connect(deployed)
    chosen = plans(states(CASES))
    resets: list[str] = []
    store = Engagements(deployed.store_env("Engagements"))
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with build_worker(client, deployed, executor):
            gate = asyncio.Semaphore(AT_ONCE)

            async def driven(plan: Plan) -> Status:
                async with gate:
                    return await drive(client, deployed, store, plan, resets)

            outcomes = await asyncio.wait_for(all_of([driven(plan) for plan in chosen]), timeout=900)
            # The runs the last resets began settle: each finds its commands recorded, none pending.
            for plan in chosen:
                await settled(client, plan)
            replayed = await replay_every_run(client, [plan.state for plan in chosen])

    assert outcomes == [Status.COMPLETED] * CASES
    assert len(resets) == 2 * CASES
    # Every run, the ones resets ended included, replays with the workflow's code.
    assert replayed >= 3 * CASES
    histories = recorded(deployed, [plan.state for plan in chosen])
    for plan in chosen:
        history = histories[plan.state]
        expected = [c.kind for c in plan.commands()]
        assert [e.version for e in history] == list(range(1, len(expected) + 1)), plan
        ids = [e.command_id for e in history]
        assert len(set(ids)) == len(ids), (plan, ids)
        assert [e.type for e in history][:4] == [
            "RequestReceived",
            "LawSummaryReceived",
            "FocalPointNamed",
            "GapListDrawnUp",
        ], plan
