"""A real worker on the time-skipping server with its own task queue, State and SQLite event store."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.engagements import Engagements, HistoryEntry
from deploy.worker import ACTIVITY_THREADS, build_worker
from domain.commands import Command
from domain.values import Door
from domain.views import CaseView
from tests.workflows.case_commands import CaseCommands
from usecases.cases import send
from usecases.settings import Settings
from workflows.engagement import EngagementWorkflow
from workflows.messages import EngagementStatus, workflow_id

WAIT_SECONDS = 20.0

# Every State at most once per session: the time-skipping server outlives each test's worker.
_UNUSED_STATES = random.sample(sorted(c.alpha_3 for c in pycountry.countries), k=len(pycountry.countries))


async def fresh_state(client: Client) -> str:
    """An ISO alpha-3 code no workflow on the server has used yet."""
    while _UNUSED_STATES:
        state = _UNUSED_STATES.pop()
        try:
            await client.get_workflow_handle(workflow_id(state)).describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return state
            raise
    raise RuntimeError("every State code has been used in this session")


async def until(condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Wait (in real time) until `condition` holds; fail naming `what` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@dataclass(frozen=True)
class Engine:
    """What one test drives: the server, the settings its worker runs with, its State and event store."""

    env: WorkflowEnvironment
    settings: Settings
    state: str
    store: Engagements

    @property
    def client(self) -> Client:
        return self.env.client

    @property
    def commands(self) -> CaseCommands:
        return CaseCommands(self.state)

    def handle(self) -> WorkflowHandle[EngagementWorkflow, CaseView | None]:
        return self.client.get_workflow_handle_for(EngagementWorkflow.run, workflow_id(self.state))

    async def send(self, command: Command, door: Door = Door.CLI) -> CaseView:
        return await send(self.client, self.settings, command, door=door)

    async def status(self) -> EngagementStatus:
        status: EngagementStatus = await self.handle().query("status", result_type=EngagementStatus)
        return status

    def history(self) -> list[HistoryEntry]:
        return self.store.history(self.state)

    def event_types(self) -> list[str]:
        return [entry.type for entry in self.history()]

    def events_of(self, event_type: str, step: str | None = None) -> list[HistoryEntry]:
        return [
            e for e in self.history() if e.type == event_type and (step is None or e.data.get("step") == step)
        ]

    async def settled(self) -> None:
        """Wait until the workflow has nothing queued (everything it took on is recorded or refused)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while (await self.status()).pending:
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the workflow's queue to drain")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def running_engine(
    env: WorkflowEnvironment,
    home: Path,
    *,
    worker: Callable[[Client, Settings, ThreadPoolExecutor], Worker] = build_worker,
    **settings: Any,
) -> AsyncIterator[Engine]:
    """Run a worker for the duration of the block, with a fresh State and task queue."""
    config = Settings(home=home, task_queue=f"engagements-{uuid.uuid4().hex}", **settings)
    state = await fresh_state(env.client)
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with worker(env.client, config, executor):
            engine = Engine(env, config, state, Engagements(config.store_env("Engagements")))
            try:
                yield engine
            finally:
                await end_workflow(env.client, state)


async def settled_run(handle: WorkflowHandle[Any, Any]) -> None:
    """Wait until the workflow's latest run has no workflow task scheduled or running, twice in a row."""
    deadline = time.monotonic() + WAIT_SECONDS
    seen: tuple[str, int] | None = None
    while time.monotonic() < deadline:
        described = (await handle.describe()).raw_description
        now = (
            described.workflow_execution_info.execution.run_id,
            described.workflow_execution_info.history_length,
        )
        if not described.HasField("pending_workflow_task") and now == seen:
            return
        seen = now
        await asyncio.sleep(0.1)


async def end_workflow(client: Client, state: str) -> None:
    """Terminate the State's workflow if it still runs.

    Left running, its timers would fire on a task queue nobody polls, and the time-skipping
    server stops skipping time while a workflow task waits: later tests' sleeps would hang.
    The run is let settle first: one terminated while a workflow task is in flight (a run that
    has just continued as new, say) leaves the time-skipping server holding time still for good.
    """
    handle = client.get_workflow_handle(workflow_id(state))
    try:
        await settled_run(handle)
        await handle.terminate(reason="the test is over")
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
