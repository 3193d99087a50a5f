"""Fixtures of the workflow tests: a worker on the time-skipping server, one State per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from tests.workflows.engine import Engine, running_engine


@pytest_asyncio.fixture(loop_scope="session")
async def engine(temporal_env_time_skipping: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Engine]:
    """A worker with default due periods, its own task queue, State and SQLite event store."""
    async with running_engine(temporal_env_time_skipping, tmp_path) as running:
        yield running
