"""Two worker processes on one task queue, one PostgreSQL event store, one Temporal server: a batch of
cases driven concurrently is recorded exactly once, with no conflict reaching an officer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from deploy.cases import CommandRefused, send
from deploy.settings import Settings
from domain.values import Status
from tests.integration.deployment import (
    WHOLE_CASE,
    Workers,
    all_of,
    assert_exactly_once,
    client_for,
    deployment_settings,
    fresh_namespace,
    recorded,
    states,
    stored_event_count,
    whole_case,
)
from workflows.messages import workflow_id

pytestmark = pytest.mark.postgres

CASES = 40
# Every fifth case gets each of its steps twice at once, as from an officer's double click.
DOUBLED_EVERY = 5


@pytest.fixture
async def settings(
    temporal_env_dev: WorkflowEnvironment, fresh_postgres_url: str, tmp_path: Path
) -> Settings:
    address = temporal_env_dev.client.service_client.config.target_host
    namespace = await fresh_namespace(temporal_env_dev.client)
    return deployment_settings(tmp_path / "client", fresh_postgres_url, address, namespace)


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    started = Workers(settings, tmp_path / "workers")
    yield started
    started.stop()


async def test_two_workers_record_a_concurrent_batch_of_cases_exactly_once(
    settings: Settings, workers: Workers
) -> None:
    # Both start at once against an empty database: each creates the tables it needs.
    for name in ("worker-a", "worker-b"):
        workers.start(name, wait=False)
    for name in ("worker-a", "worker-b"):
        workers.wait_ready(name)
    client = await client_for(settings)
    codes = states(CASES)
    refusals: dict[str, list[str]] = {state: [] for state in codes}

    async def drive(n: int, state: str) -> Status:
        status = Status.OPEN
        for command in whole_case(state):
            copies = 2 if n % DOUBLED_EVERY == 0 else 1
            answers = await asyncio.gather(
                *(send(client, settings, command) for _ in range(copies)), return_exceptions=True
            )
            for answer in answers:
                if isinstance(answer, CommandRefused):
                    refusals[state].append(str(answer))
                elif isinstance(answer, BaseException):
                    raise answer
                else:
                    status = answer.status
            assert any(not isinstance(a, BaseException) for a in answers), answers
        return status

    started = time.monotonic()
    outcomes = await asyncio.wait_for(all_of([drive(n, s) for n, s in enumerate(codes)]), timeout=120)
    elapsed = time.monotonic() - started

    assert outcomes == [Status.COMPLETED] * CASES, workers.log_tail()
    assert workers.alive() == ["worker-a", "worker-b"], workers.log_tail()
    histories = recorded(settings, codes)
    for n, state in enumerate(codes):
        assert_exactly_once(histories[state], WHOLE_CASE)
        # A doubled step is acknowledged once and refused once, as already recorded or still queued.
        expected_refusals = len(WHOLE_CASE) if n % DOUBLED_EVERY == 0 else 0
        assert len(refusals[state]) == expected_refusals, refusals[state]
        assert all(
            "already recorded" in reason or "the engagement is completed" in reason
            for reason in refusals[state]
        ), "\n".join(refusals[state])
    assert stored_event_count(settings.database_url or "") == CASES * len(WHOLE_CASE)
    # Both processes took a share of the work: their identities start workflow and activity tasks.
    pids = {str(workers.running[name].pid) for name in ("worker-a", "worker-b")}
    assert await task_takers(client, codes) == pids
    print(f"{CASES * len(WHOLE_CASE)} steps of {CASES} cases in {elapsed:.1f} s")


async def task_takers(client: Client, codes: list[str]) -> set[str]:
    """The pids of the workers that started any workflow or activity task of these cases."""
    identities: set[str] = set()
    for state in codes:
        history = await client.get_workflow_handle(workflow_id(state)).fetch_history()
        for event in history.events:
            if event.HasField("activity_task_started_event_attributes"):
                identities.add(event.activity_task_started_event_attributes.identity)
            if event.HasField("workflow_task_started_event_attributes"):
                identities.add(event.workflow_task_started_event_attributes.identity)
    # Some task starts (a speculative task of an update, say) carry no identity.
    return {identity.split("@", 1)[0] for identity in identities if identity}
