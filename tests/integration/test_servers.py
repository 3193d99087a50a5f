"""The test servers start for real: PostgreSQL 15 answers, both Temporal servers run workflows."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from pydantic import BaseModel, ConfigDict
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    import psycopg
    from temporalio.testing import WorkflowEnvironment
    from temporalio.worker import Worker

    from tests.servers import PostgresCluster

ONE_DAY = timedelta(days=1)


class Greeting(BaseModel):
    """Input of the echo workflow."""

    model_config = ConfigDict(frozen=True)

    name: str


class Reply(BaseModel):
    """Output of the echo workflow."""

    model_config = ConfigDict(frozen=True)

    text: str


class Nap(BaseModel):
    """How long the nap workflow sleeps."""

    model_config = ConfigDict(frozen=True)

    seconds: float


class Woke(BaseModel):
    """How much workflow time passed during the nap."""

    model_config = ConfigDict(frozen=True)

    slept_seconds: float


@workflow.defn
class EchoWorkflow:
    """Answers a greeting, so a round trip through the pydantic converter can be checked."""

    @workflow.run
    async def run(self, greeting: Greeting) -> Reply:
        return Reply(text=f"hello, {greeting.name}")


@workflow.defn
class NapWorkflow:
    """Sleeps on a durable timer and reports the workflow time that passed."""

    @workflow.run
    async def run(self, nap: Nap) -> Woke:
        start = workflow.now()
        await workflow.sleep(nap.seconds)
        return Woke(slept_seconds=(workflow.now() - start).total_seconds())


async def _echo(env: WorkflowEnvironment) -> Reply:
    task_queue = f"echo-{uuid.uuid4()}"
    async with Worker(env.client, task_queue=task_queue, workflows=[EchoWorkflow]):
        return await env.client.execute_workflow(
            EchoWorkflow.run,
            Greeting(name="Palermo"),
            id=f"echo-{uuid.uuid4()}",
            task_queue=task_queue,
        )


def test_postgres_dsn_reaches_postgresql_15(postgres_dsn: str) -> None:
    with psycopg.connect(postgres_dsn) as conn:
        row = conn.execute("select version()").fetchone()
    assert row is not None
    assert str(row[0]).startswith("PostgreSQL 15")


def test_fresh_databases_do_not_share_tables(
    postgres_cluster: PostgresCluster, fresh_postgres_url: str
) -> None:
    other_url = postgres_cluster.create_database()
    with psycopg.connect(fresh_postgres_url) as conn:
        conn.execute("create table marker (id int)")
    with psycopg.connect(other_url) as conn:
        row = conn.execute("select to_regclass('marker') is null").fetchone()
    assert row == (True,)
    assert other_url != fresh_postgres_url


async def test_time_skipping_server_runs_a_pydantic_workflow(
    temporal_env_time_skipping: WorkflowEnvironment,
) -> None:
    reply = await _echo(temporal_env_time_skipping)
    assert reply == Reply(text="hello, Palermo")
    assert isinstance(reply, Reply)


async def test_time_skipping_server_skips_a_day_long_timer(
    temporal_env_time_skipping: WorkflowEnvironment,
) -> None:
    env = temporal_env_time_skipping
    task_queue = f"nap-{uuid.uuid4()}"
    began = time.monotonic()
    async with Worker(env.client, task_queue=task_queue, workflows=[NapWorkflow]):
        woke = await env.client.execute_workflow(
            NapWorkflow.run,
            Nap(seconds=ONE_DAY.total_seconds()),
            id=f"nap-{uuid.uuid4()}",
            task_queue=task_queue,
        )
    assert time.monotonic() - began < 30
    assert woke.slept_seconds >= ONE_DAY.total_seconds()


async def test_dev_server_runs_a_pydantic_workflow(temporal_env_dev: WorkflowEnvironment) -> None:
    reply = await _echo(temporal_env_dev)
    assert reply == Reply(text="hello, Palermo")
    assert isinstance(reply, Reply)
