"""Faults under load, each ending with an exact count of stored events: workers killed with SIGKILL
again and again, PostgreSQL restarted, the Temporal server restarted mid-case, the worker stopped while the
API takes steps."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
import pytest
from eventsourcing.persistence import PersistenceError
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.engagements import Engagements
from activities.users import Users
from domain.commands import Command
from domain.user import Role, Scope
from domain.values import Status
from domain.views import CaseView
from tests.integration.deployment import (
    WHOLE_CASE,
    all_of,
    assert_exactly_once,
    client_for,
    deployment_settings,
    fresh_namespace,
    recorded,
    send_until_answered,
    states,
    stored_event_count,
    whole_case,
)
from tests.integration.processes import DevServer, WebServers, Workers
from tests.integration.web_app import TEST_COST
from tests.servers import PostgresCluster, throwaway_postgres
from usecases.settings import Settings
from web.services import SEND_TIMEOUT_S
from workflows.messages import workflow_id

pytestmark = pytest.mark.postgres

KILLS = 6
# A bound against a hang, not a speed target: on a loaded two-core machine a run with six worker restarts
# takes minutes, and what these tests check is the count of stored events, never how soon.
HANG_GUARD_S = 600


async def test_every_acknowledged_step_is_recorded_once_while_workers_are_killed(
    deployed: Settings, workers: Workers
) -> None:
    for name in ("worker-a", "worker-b"):
        workers.start(name)
    client = await client_for(deployed)
    codes = states(24)
    acknowledged: dict[str, list[str]] = {state: [] for state in codes}

    async def drive(state: str) -> Status:
        status = Status.OPEN
        for command in whole_case(state):
            case, _ = await send_until_answered(client, deployed, command)
            acknowledged[state].append(command.kind)
            status = case.status
            await asyncio.sleep(0.3)
        return status

    total = len(codes) * len(WHOLE_CASE)
    finished = False

    def done() -> int:
        return sum(len(steps) for steps in acknowledged.values())

    async def chaos() -> list[int]:
        """Kill a worker at each seventh of the steps acknowledged, the two in turn, restarting each.

        By share, not by the clock: however fast steps go, every kill lands while steps are being sent.
        """
        kills: list[int] = []
        for share in [(n + 1) / (KILLS + 1) for n in range(KILLS)]:
            while done() < share * total and not finished:
                await asyncio.sleep(0.05)
            kills.append(done())
            workers.kill(("worker-a", "worker-b")[len(kills) % 2])
            await asyncio.to_thread(workers.start, ("worker-a", "worker-b")[len(kills) % 2])
        return kills

    started = time.monotonic()
    killer = asyncio.create_task(chaos())
    try:
        outcomes = await asyncio.wait_for(all_of([drive(state) for state in codes]), timeout=HANG_GUARD_S)
    finally:
        finished = True
        kills = await killer
    elapsed = time.monotonic() - started

    # Every kill came with steps still to send.
    assert len(kills) == KILLS
    assert all(count < total for count in kills), kills
    assert outcomes == [Status.COMPLETED] * len(codes)
    histories = recorded(deployed, codes)
    for state in codes:
        assert len(acknowledged[state]) == len(WHOLE_CASE)
        assert_exactly_once(histories[state], WHOLE_CASE)
    assert stored_event_count(deployed.database_url or "") == total
    print(f"{KILLS} kills at {kills} steps acknowledged; {total} steps in {elapsed:.1f} s")


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A cluster of this test's own, since the test restarts it."""
    with throwaway_postgres() as cluster:
        yield cluster


async def test_no_acknowledged_step_is_lost_when_postgresql_restarts_under_load(
    temporal_env_dev: WorkflowEnvironment, own_postgres: PostgresCluster, tmp_path: Path
) -> None:
    address = temporal_env_dev.client.service_client.config.target_host
    namespace = await fresh_namespace(temporal_env_dev.client)
    settings = deployment_settings(tmp_path / "client", own_postgres.create_database(), address, namespace)
    workers = Workers(settings, tmp_path / "workers")
    try:
        for name in ("worker-a", "worker-b"):
            workers.start(name)
        await restarted_under_load(settings, own_postgres)
    finally:
        workers.stop()


async def restarted_under_load(settings: Settings, cluster: PostgresCluster) -> None:
    client = await client_for(settings)
    codes = states(24)
    load = Load(codes)
    total = len(codes) * len(WHOLE_CASE)

    async def drive(state: str) -> Status:
        status = Status.OPEN
        for command in whole_case(state):
            load.sent[state] += 1
            case, _ = await send_until_answered(client, settings, command)
            # The answer is the case with this step in it, never an older or a later one.
            assert case.version == load.sent[state]
            load.acknowledged[state] += 1
            status = case.status
            await asyncio.sleep(0.3)
        return status

    async def restart_twice() -> None:
        # Restarts come once a quarter and once half of the steps are acknowledged, not after a fixed
        # time: however fast steps go, both land while steps are still being sent.
        for share in (0.25, 0.5):
            while sum(load.acknowledged.values()) < share * total and not load.done:
                await asyncio.sleep(0.05)
            await asyncio.to_thread(cluster.restart)
            load.restarts.append(sum(load.acknowledged.values()))

    booted = server_started(settings)
    reader = asyncio.create_task(asyncio.to_thread(read_while_sending, settings, load))
    restarts = asyncio.create_task(restart_twice())
    started = time.monotonic()
    try:
        outcomes = await asyncio.wait_for(all_of([drive(state) for state in codes]), timeout=HANG_GUARD_S)
    finally:
        load.done = True
        await reader
        await restarts
    elapsed = time.monotonic() - started

    assert server_started(settings) > booted
    # Both restarts came while steps were still being sent.
    assert len(load.restarts) == 2
    assert all(count < total for count in load.restarts), load.restarts
    assert outcomes == [Status.COMPLETED] * len(codes)
    assert set(load.errors) <= RETRYABLE, load.errors
    assert load.answered > 0
    histories = recorded(settings, codes)
    for state in codes:
        assert load.acknowledged[state] == len(WHOLE_CASE)
        assert_exactly_once(histories[state], WHOLE_CASE)
    assert stored_event_count(settings.database_url or "") == total
    print(f"2 restarts, {total} steps in {elapsed:.1f} s; reader: {load.answered} reads, {load.errors}")


# What a reader may see while the database restarts: connection errors, which a client may retry.
RETRYABLE = {"OperationalError", "InterfaceError", "ConnectionUnavailableError"}


@dataclass
class Load:
    """Steps sent and acknowledged per State, and what a reader saw meanwhile."""

    codes: list[str]
    sent: dict[str, int] = field(init=False)
    acknowledged: dict[str, int] = field(init=False)
    answered: int = 0
    errors: list[str] = field(default_factory=list)
    restarts: list[int] = field(default_factory=list)
    done: bool = False

    def __post_init__(self) -> None:
        self.sent = dict.fromkeys(self.codes, 0)
        self.acknowledged = dict.fromkeys(self.codes, 0)


def read_while_sending(settings: Settings, load: Load) -> None:
    """A reader of the store, as the web app is: a retryable error or the truth, never a stale case."""
    engagements = Engagements(settings.store_env("Engagements"))
    try:
        while not load.done:
            state = random.choice(load.codes)
            floor = load.acknowledged[state]
            try:
                case = engagements.case(state)
            except PersistenceError as error:
                load.errors.append(type(error).__name__)
                time.sleep(0.05)
                continue
            version = 0 if case is None else case.version
            assert floor <= version <= load.sent[state], (state, floor, version, load.sent[state])
            load.answered += 1
    finally:
        engagements.close()


def server_started(settings: Settings) -> datetime:
    with psycopg.connect(settings.database_url or "", autocommit=True) as db:
        row = db.execute("SELECT pg_postmaster_start_time()").fetchone()
    assert row is not None
    started: datetime = row[0]
    return started


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(tmp_path / "temporal.sqlite", tmp_path / "temporal.log")
    server.start()
    yield server
    server.stop()


async def test_cases_continue_where_they_were_after_the_temporal_server_restarts(
    dev_server: DevServer, fresh_postgres_url: str, tmp_path: Path
) -> None:
    await dev_server.ready()
    settings = deployment_settings(tmp_path / "client", fresh_postgres_url, dev_server.address, "default")
    workers = Workers(settings, tmp_path / "workers")
    try:
        workers.start("worker-a")
        await continued_after_restart(dev_server, settings, workers)
    finally:
        workers.stop()


async def continued_after_restart(server: DevServer, settings: Settings, workers: Workers) -> None:
    client = await client_for(settings)
    codes = states(8)
    cases = {state: whole_case(state) for state in codes}
    before = await all_of([send_all(client, settings, cases[state][:3]) for state in codes])
    runs = {state: await run_id(client, state) for state in codes}

    # The server goes down while the fourth step of every case is on its way.
    fourth = [asyncio.create_task(send_patiently(client, settings, cases[state][3])) for state in codes]
    await asyncio.sleep(0.05)
    server.stop()
    await asyncio.sleep(1.0)
    server.start()
    await server.ready()
    answers = await asyncio.wait_for(all_of(fourth), timeout=HANG_GUARD_S)
    after = await all_of([send_all(client, settings, cases[state][4:]) for state in codes])

    assert workers.alive() == ["worker-a"], workers.log_tail()
    assert [case.version for case in before] == [3] * len(codes)
    assert answers == ["acknowledged"] * len(codes), answers
    assert [case.status for case in after] == [Status.COMPLETED] * len(codes)
    # The same runs carried on: Temporal kept them; nothing had to start over from the store.
    for state in codes:
        assert await run_id(client, state) == runs[state]
    histories = recorded(settings, codes)
    for state in codes:
        assert_exactly_once(histories[state], WHOLE_CASE)
    assert stored_event_count(settings.database_url or "") == len(codes) * len(WHOLE_CASE)


async def send_all(client: Client, settings: Settings, commands: list[Command]) -> CaseView:
    case: CaseView | None = None
    for command in commands:
        case, _ = await send_until_answered(client, settings, command, within=30)
    assert case is not None
    return case


async def send_patiently(client: Client, settings: Settings, command: Command) -> str:
    """Send until answered. A step cut off by the outage may have been recorded: sent again under its id, it
    is answered as the first time, never refused as already recorded."""
    case, _ = await send_until_answered(client, settings, command, within=30)
    assert case.version == 4
    return "acknowledged"


async def run_id(client: Client, state: str) -> str:
    described = await client.get_workflow_handle(workflow_id(state)).describe()
    return described.run_id


async def test_api_posts_while_the_worker_is_stopped_are_503s_and_their_retries_are_recorded_once(
    deployed: Settings, workers: Workers, web_servers: WebServers
) -> None:
    workers.start("worker-a", wait=False)
    web_servers.start("web", wait=False)
    workers.wait_ready("worker-a")
    web_servers.wait_ready("web")
    codes = states(4)
    users = Users(deployed.store_env("Users"), cost=TEST_COST)
    _, token = users.add("officer", Role.OFFICER, Scope(states=tuple(codes)), actor="test")
    users.close()
    bearer = {"Authorization": f"Bearer {token}"}

    async with httpx.AsyncClient(base_url=web_servers.url("web"), headers=bearer, timeout=60) as http:

        async def post(path: str, key: str, body: Mapping[str, object]) -> tuple[httpx.Response, float]:
            started = time.monotonic()
            answer = await http.post(path, json=body, headers={"Idempotency-Key": key})
            return answer, time.monotonic() - started

        for state in codes:
            request = {"state": state, "instruments": ["convention"], "effective_date": "2001-09-03"}
            opened, _ = await post("/api/cases", f"open-{state}", request)
            assert opened.status_code == 201, opened.text

        workers.kill("worker-a")
        summary = {"document": "LAW/2002/1", "effective_date": "2002-01-15"}
        while_down = [await post(f"/api/cases/{s}/law_summary", f"law-{s}", summary) for s in codes]

        for answer, took in while_down:
            assert answer.status_code == 503, answer.text
            assert int(answer.headers["Retry-After"]) >= 1
            assert "Idempotency-Key" in answer.json()["error"]
            # Told as soon as the workflow does not take the step, not after the 30 s a request may last.
            assert took < SEND_TIMEOUT_S / 2, f"answered after {took:.1f} s"
        stored = recorded(deployed, codes)
        assert all(len(stored[s]) == 1 for s in codes), stored

        # Back: Temporal delivers what it took while the worker was down; each retry gets that answer.
        workers.start("worker-a")
        retries = [await send_again(post, f"/api/cases/{s}/law_summary", f"law-{s}", summary) for s in codes]
        again = [await post(f"/api/cases/{s}/law_summary", f"law-{s}", summary) for s in codes]

    assert [answer.json()["case"]["version"] for answer in retries] == [2] * len(codes)
    assert [answer.json() for answer, _ in again] == [answer.json() for answer in retries]
    histories = recorded(deployed, codes)
    for state in codes:
        assert_exactly_once(histories[state], ["RequestReceived", "LawSummaryReceived"])
    assert stored_event_count(deployed.database_url or "") == 2 * len(codes)


async def send_again(
    post: Callable[[str, str, Mapping[str, object]], Awaitable[tuple[httpx.Response, float]]],
    path: str,
    key: str,
    body: Mapping[str, object],
) -> httpx.Response:
    """Send the request again under its key, as a client does after a 503, until it is answered."""
    deadline = time.monotonic() + 60
    while True:
        answer, _ = await post(path, key, body)
        if answer.status_code != 503:
            assert answer.status_code == 200, answer.text
            return answer
        assert time.monotonic() < deadline, answer.text
        await asyncio.sleep(float(answer.headers["Retry-After"]))
