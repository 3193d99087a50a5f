"""Activities are at-least-once: a record_command retried after it saved records its command once."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest_asyncio
from temporalio import activity
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.engagement_activities import CaseCommand, EngagementActivities
from activities.engagements import Engagements
from deploy.worker import engagement_worker
from domain.values import Step
from domain.views import CaseView
from tests.workflows.engine import Engine, running_engine
from usecases.settings import Settings

FAIL_AFTER_SAVING = frozenset({"open", "law_summary"})


class LostReplyActivities(EngagementActivities):
    """Saves, then fails the first attempt of some commands, as if the worker died before replying."""

    def __init__(self, engagements: Engagements) -> None:
        super().__init__(engagements)
        self.attempts: list[tuple[str, str | None, int]] = []
        self._lock = threading.Lock()

    @activity.defn(name="record_command")
    def record_command(self, payload: CaseCommand) -> CaseView:
        case = super().record_command(payload)
        attempt = activity.info().attempt
        with self._lock:
            self.attempts.append((payload.command.kind, payload.command.command_id, attempt))
        if attempt == 1 and payload.command.kind in FAIL_AFTER_SAVING:
            raise ConnectionError("the worker lost its connection after saving")
        return case


@pytest_asyncio.fixture(loop_scope="session")
async def lossy_engine(
    temporal_env_time_skipping: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[tuple[Engine, LostReplyActivities]]:
    """A worker like deploy.worker's, whose record_command loses its first reply for some commands."""
    built: list[LostReplyActivities] = []

    def worker(client: Client, settings: Settings, executor: ThreadPoolExecutor) -> Worker:
        activities = LostReplyActivities(Engagements(settings.store_env("Engagements")))
        built.append(activities)
        return engagement_worker(client, settings, executor, activities)

    async with running_engine(temporal_env_time_skipping, tmp_path, worker=worker) as running:
        yield running, built[0]


async def test_retried_activity_finds_its_command_recorded_and_records_it_once(
    lossy_engine: tuple[Engine, LostReplyActivities],
) -> None:
    engine, lossy = lossy_engine
    opened = await engine.send(engine.commands.open())
    case = await engine.send(engine.commands.law_summary())

    assert opened.version == 1
    assert case.version == 2
    assert case.completed_steps == (Step.REQUEST, Step.LAW_SUMMARY)
    # Both commands ran twice with the same id: the second attempt found the first one's event.
    kinds = [(kind, attempt) for kind, _, attempt in lossy.attempts]
    assert kinds == [("open", 1), ("open", 2), ("law_summary", 1), ("law_summary", 2)]
    assert lossy.attempts[0][1] == lossy.attempts[1][1] is not None
    assert lossy.attempts[2][1] == lossy.attempts[3][1] is not None
    history = engine.history()
    assert [e.type for e in history] == ["RequestReceived", "LawSummaryReceived"]
    assert [e.command_id for e in history] == [lossy.attempts[0][1], lossy.attempts[2][1]]
    assert engine.store.case(engine.state) == case
