"""A production-shaped deployment on loopback: a Temporal namespace, a PostgreSQL store, whole cases to send
and the checks that each was recorded exactly once (the processes themselves are in processes.py)."""

from __future__ import annotations

import asyncio
import random
import secrets
import time
import uuid
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import TypeVar

import psycopg
import pycountry
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client

from activities.engagements import Engagements, HistoryEntry
from domain.commands import Command
from domain.values import Door
from domain.views import CaseView
from tests.workflows.case_commands import CaseCommands
from usecases.cases import connect, send
from usecases.settings import Settings
from workflows.client import ServerUnavailable

# What one whole case leaves in the event store, in order.
WHOLE_CASE = [
    "RequestReceived",
    "LawSummaryReceived",
    "FocalPointNamed",
    "GapListDrawnUp",
    "AssistanceConcluded",
    "LegislationConcluded",
    "TrainingHeld",
]

T = TypeVar("T")


def states(count: int) -> list[str]:
    """`count` distinct ISO alpha-3 codes, in random order."""
    return random.sample(sorted(c.alpha_3 for c in pycountry.countries), k=count)


def whole_case(state: str) -> list[Command]:
    cases = CaseCommands(state)
    return [cases.open(), *cases.after_request()]


async def fresh_namespace(client: Client) -> str:
    """A Temporal namespace of the test's own: no other test's workflow shares an id with it."""
    name = f"palermo-{uuid.uuid4().hex[:12]}"
    await client.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace=name, workflow_execution_retention_period=Duration(seconds=86_400))
    )
    return name


def deployment_settings(home: Path, database_url: str, temporal_address: str, namespace: str) -> Settings:
    return Settings(
        home=home,
        store="postgres",
        database_url=database_url,
        temporal_address=temporal_address,
        temporal_namespace=namespace,
        task_queue=f"engagements-{uuid.uuid4().hex[:8]}",
        audit_key=secrets.token_hex(32),
    )


async def client_for(settings: Settings) -> Client:
    return await connect(settings)


async def send_until_answered(
    client: Client, settings: Settings, command: Command, *, within: float = 120.0
) -> tuple[CaseView, int]:
    """Send like a patient client: a ServerUnavailable is retried; returns the case and the retries."""
    deadline = time.monotonic() + within
    retries = 0
    while True:
        try:
            return await send(client, settings, command, door=Door.CLI), retries
        except ServerUnavailable:
            retries += 1
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.25)


async def all_of(tasks: Sequence[Awaitable[T]]) -> list[T]:
    """Await every task; the first failure is raised after all have ended (none left running)."""
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]
    return [r for r in results if not isinstance(r, BaseException)]


def recorded(settings: Settings, codes: Sequence[str]) -> dict[str, list[HistoryEntry]]:
    """Each State's stored events, read afresh from the event store (the record of truth)."""
    engagements = Engagements(settings.store_env("Engagements") | {"CREATE_TABLE": "n"})
    try:
        return {state: engagements.history(state) for state in codes}
    finally:
        engagements.close()


def stored_event_count(database_url: str) -> int:
    """Every engagement event in the database, counted by SQL beside the application."""
    with psycopg.connect(database_url, autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM engagements_events").fetchone()
    assert row is not None
    return int(row[0])


def assert_exactly_once(history: list[HistoryEntry], types: list[str]) -> None:
    """The case's events are `types`, in order, versions 1..n, each from a distinct command."""
    assert [entry.type for entry in history] == types
    assert [entry.version for entry in history] == list(range(1, len(types) + 1))
    ids = [entry.command_id for entry in history]
    assert None not in ids, ids
    assert len(set(ids)) == len(ids), ids
