"""Bare Temporal, the baseline of `bench.steps`: workflows that only accept an update and answer it (or also
run one no-op local activity), driven by the same client calls, concurrency and server as our steps.

`python -m bench.bare` is its worker (started by `bench.steps` beside ours, so that its CPU is its own).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from pydantic import BaseModel, ConfigDict
from temporalio import activity, workflow
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowUpdateStage
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from deploy.launch import child_env
from usecases.cases import connect
from usecases.settings import Settings, load_settings

TASK_QUEUE = "bench-bare"
READY_FILE = "bare-worker.ready"
READY_TIMEOUT_S = 60.0


class BareStep(BaseModel):
    """One step: its number in the case, and whether the workflow runs a local activity for it."""

    model_config = ConfigDict(frozen=True)

    number: int
    local_activity: bool


@activity.defn(name="bare_noop")
def noop() -> None:
    """Does nothing: the cost of a local activity's round trip through the worker, alone."""


@workflow.defn(name="BareSteps")
class BareSteps:
    """Accepts `steps` updates and answers each; nothing recorded anywhere."""

    def __init__(self) -> None:
        self.done = 0

    @workflow.run
    async def run(self, steps: int) -> None:
        await workflow.wait_condition(lambda: self.done >= steps and workflow.all_handlers_finished())

    @workflow.update(name="step")
    async def step(self, step: BareStep) -> int:
        if step.local_activity:
            await workflow.execute_local_activity(noop, start_to_close_timeout=timedelta(seconds=30))
        self.done += 1
        return self.done


async def send(client: Client, case: str, step: BareStep, steps: int) -> int:
    """One step as `workflows.client.send` sends ours: update-with-start, accepted, then its result."""
    operation = WithStartWorkflowOperation(
        BareSteps.run,
        steps,
        id=f"bare-{case}",
        task_queue=TASK_QUEUE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    handle = await client.start_update_with_start_workflow(
        "step",
        step,
        start_workflow_operation=operation,
        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        id=f"{case}/{step.number}",
        result_type=int,
    )
    done: int = await handle.result()
    return done


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """The bare worker as a process of its own, once it polls its task queue."""
    ready = settings.home_dir / READY_FILE
    ready.unlink(missing_ok=True)
    log = (settings.home_dir / "logs" / "bare-worker.log").open("ab")
    env = child_env(settings, settings.temporal_address)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bare"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"The bare worker did not start; see {log.name}.")
        time.sleep(0.1)
    return process


async def serve(settings: Settings) -> None:
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # Ours run on threads too (eventsourcing is synchronous), and unsandboxed: the same set-up, bare.
    with ThreadPoolExecutor(max_workers=16) as executor:
        worker = Worker(
            client,
            task_queue=TASK_QUEUE,
            workflows=[BareSteps],
            activities=[noop],
            activity_executor=executor,
            workflow_runner=UnsandboxedWorkflowRunner(),
        )
        async with worker:
            (settings.home_dir / READY_FILE).touch()
            await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve(load_settings()))
