"""Edges of signals and resumed runs: unreadable signals are listed, and due dates survive a new run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from domain.values import Step
from tests.workflows.engine import Engine, end_workflow, running_engine, until

MARGIN = timedelta(hours=1)


@pytest_asyncio.fixture(loop_scope="session")
async def engine(temporal_env_time_skipping: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Engine]:
    async with running_engine(temporal_env_time_skipping, tmp_path, due_days={"focal_point": 1}) as running:
        yield running


async def test_unreadable_signal_is_listed_as_refused_and_records_nothing(engine: Engine) -> None:
    await engine.send(engine.commands.open())
    before = engine.history()

    await engine.handle().signal("law_summary", {"state": engine.state, "document": "no date"})
    status = await engine.status()
    for _ in range(200):
        if status.refusals:
            break
        await asyncio.sleep(0.05)
        status = await engine.status()

    (refusal,) = status.refusals
    assert refusal.kind == "law_summary"
    assert "could not be read" in refusal.reason
    assert "effective_date" in refusal.reason
    assert engine.history() == before


async def test_a_new_run_keeps_the_due_date_and_the_reminder_already_sent(engine: Engine) -> None:
    await engine.send(engine.commands.open())
    first_due = {d.step: d.due_at for d in (await engine.status()).deadlines}[Step.FOCAL_POINT]

    await engine.env.sleep(timedelta(days=1) + MARGIN)
    await until(lambda: bool(engine.events_of("ReminderSent", Step.FOCAL_POINT)), "the focal point reminder")
    await engine.settled()

    # The run ends (as when Temporal's history is lost); the next command starts a new run from the store.
    await end_workflow(engine.client, engine.state)
    await engine.send(engine.commands.law_summary())
    deadline = {d.step: d for d in (await engine.status()).deadlines}[Step.FOCAL_POINT]
    assert deadline.due_at == first_due
    assert deadline.reminded
    assert not deadline.escalated

    await engine.env.sleep(timedelta(days=1))
    await until(lambda: bool(engine.events_of("StepEscalated", Step.FOCAL_POINT)), "the escalation")
    await engine.settled()
    assert len(engine.events_of("ReminderSent", Step.FOCAL_POINT)) == 1
