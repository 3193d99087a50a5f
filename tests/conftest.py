"""Session-wide fixtures: a throwaway PostgreSQL 15 cluster and the two Temporal test servers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from hypothesis import settings
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.servers import (
    PostgresCluster,
    temporal_dev_server_path,
    temporal_test_server_path,
    throwaway_postgres,
)

# Property tests explore at random on a developer's machine and keep what they find (the example database);
# under CI they run the same examples every time, so a run's result depends on the code alone. Loaded here,
# before any test module builds its own settings on top of the profile.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("local", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "local")


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL 15 cluster on loopback for the whole session, deleted at its end."""
    with throwaway_postgres() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def postgres_dsn(postgres_cluster: PostgresCluster) -> str:
    """URL of one database shared by the session."""
    return postgres_cluster.create_database()


@pytest.fixture
def fresh_postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """URL of a new, empty database for this test alone; dropped afterwards."""
    url = postgres_cluster.create_database()
    yield url
    postgres_cluster.drop_database(url.rsplit("/", 1)[1])


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal_env_time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """The Java time-skipping test server, with the pydantic data converter."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path(),
        data_converter=pydantic_data_converter,
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal_env_dev() -> AsyncIterator[WorkflowEnvironment]:
    """The real Temporal dev server (in memory, no UI), with the pydantic data converter."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_dev_server_path(),
        data_converter=pydantic_data_converter,
        ui=False,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()
