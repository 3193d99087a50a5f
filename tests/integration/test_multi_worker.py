"""Two worker processes on one task queue (and two web servers before them), one PostgreSQL event store,
one Temporal server: a batch of cases driven concurrently is recorded exactly once, with no conflict
reaching an officer."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from activities.users import Users
from domain.user import Role, Scope
from domain.values import Door, Status
from tests.integration.deployment import (
    WHOLE_CASE,
    all_of,
    assert_exactly_once,
    client_for,
    recorded,
    states,
    stored_event_count,
    whole_case,
)
from tests.integration.processes import WebServers, Workers
from tests.integration.web_app import TEST_COST
from usecases.cases import send
from usecases.settings import Settings
from workflows.client import CommandRefused
from workflows.messages import workflow_id

pytestmark = pytest.mark.postgres

CASES = 40
# Every fifth case gets each of its steps twice at once, as from an officer's double click: the same
# command, under the same id, answered twice with the same case and recorded once.
DOUBLED_EVERY = 5


async def test_two_workers_record_a_concurrent_batch_of_cases_exactly_once(
    deployed: Settings, workers: Workers
) -> None:
    # Both start at once against an empty database: each creates the tables it needs.
    for name in ("worker-a", "worker-b"):
        workers.start(name, wait=False)
    for name in ("worker-a", "worker-b"):
        workers.wait_ready(name)
    client = await client_for(deployed)
    codes = states(CASES)
    refusals: dict[str, list[str]] = {state: [] for state in codes}

    async def drive(n: int, state: str) -> Status:
        status = Status.OPEN
        for command in whole_case(state):
            copies = 2 if n % DOUBLED_EVERY == 0 else 1
            answers = await asyncio.gather(
                *(send(client, deployed, command, door=Door.CLI) for _ in range(copies)),
                return_exceptions=True,
            )
            for answer in answers:
                if isinstance(answer, CommandRefused):
                    refusals[state].append(str(answer))
                elif isinstance(answer, BaseException):
                    raise answer
                else:
                    status = answer.status
            assert all(answer == answers[0] for answer in answers), answers
        return status

    started = time.monotonic()
    outcomes = await asyncio.wait_for(all_of([drive(n, s) for n, s in enumerate(codes)]), timeout=120)
    elapsed = time.monotonic() - started

    assert outcomes == [Status.COMPLETED] * CASES, workers.log_tail()
    assert workers.alive() == ["worker-a", "worker-b"], workers.log_tail()
    histories = recorded(deployed, codes)
    for state in codes:
        assert_exactly_once(histories[state], WHOLE_CASE)
        # A doubled step is the same command sent twice: nothing is refused.
        assert refusals[state] == [], refusals[state]
    assert stored_event_count(deployed.database_url or "") == CASES * len(WHOLE_CASE)
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


# One whole case through the API: each step's path and body, in order (the events of WHOLE_CASE).
API_STEPS: list[tuple[str, dict[str, Any]]] = [
    ("law_summary", {"document": "LAW/2002/1"}),
    ("focal_point", {"focal_point": {"name": "A. Quispe"}}),
    ("gap_list", {"items": [{"checklist_item": "convention.art5"}]}),
    ("assistance", {}),
    ("legislation", {}),
    ("training", {"officials_trained": 12}),
]
WEB_CASES = 24


def keyed(n: int) -> bool:
    """Every other doubled case sends its steps with an Idempotency-Key."""
    return n % (2 * DOUBLED_EVERY) == 0


async def test_two_web_servers_and_two_workers_serve_a_concurrent_batch_through_the_api_exactly_once(
    deployed: Settings, workers: Workers, web_servers: WebServers
) -> None:
    servers, processes = ("web-a", "web-b"), ("worker-a", "worker-b")
    for name in processes:
        workers.start(name, wait=False)
    for name in servers:
        web_servers.start(name, wait=False)
    for name in processes:
        workers.wait_ready(name)
    for name in servers:
        web_servers.wait_ready(name)
    codes = states(WEB_CASES)
    users = Users(deployed.store_env("Users"), cost=TEST_COST)
    _, token = users.add("officer", Role.OFFICER, Scope(states=tuple(codes)), actor="test")
    users.close()
    headers = {"Authorization": f"Bearer {token}"}
    clients = [
        httpx.AsyncClient(base_url=web_servers.url(name), headers=headers, timeout=60) for name in servers
    ]
    answers: dict[str, list[tuple[int, int, str]]] = {state: [] for state in codes}

    async def drive(n: int, state: str) -> str:
        status = ""
        calls = [("/api/cases", {"state": state, "instruments": ["convention"]})]
        calls += [(f"/api/cases/{state}/{kind}", body) for kind, body in API_STEPS]
        for step, (path, body) in enumerate(calls):
            # Steps alternate between the servers; a doubled step goes to both at once, as from two tabs,
            # half of the doubled cases under one Idempotency-Key (a client's retry), half without.
            through = clients if n % DOUBLED_EVERY == 0 else [clients[(n + step) % 2]]
            key = {"Idempotency-Key": f"{state}-{step}"} if keyed(n) else {}
            sent = await asyncio.gather(*(client.post(path, json=body, headers=key) for client in through))
            for answer in sent:
                answers[state].append((step, answer.status_code, answer.text))
                if answer.status_code < 300:
                    status = answer.json()["case"]["status"]
        return status

    started = time.monotonic()
    try:
        outcomes = await asyncio.wait_for(all_of([drive(n, s) for n, s in enumerate(codes)]), timeout=120)
    finally:
        for client in clients:
            await client.aclose()
    elapsed = time.monotonic() - started

    logs = f"{workers.log_tail()}\n{web_servers.log_tail()}"
    assert outcomes == ["completed"] * WEB_CASES, logs
    assert sorted(workers.alive() + web_servers.alive()) == ["web-a", "web-b", "worker-a", "worker-b"], logs
    histories = recorded(deployed, codes)
    for n, state in enumerate(codes):
        steps = len(API_STEPS) + 1
        accepted = [step for step, status, _ in answers[state] if status < 300]
        refused = [(status, text) for _, status, text in answers[state] if status >= 300]
        if keyed(n):
            # Both copies of each step are one request, answered alike by either server.
            assert accepted == [step for step in range(steps) for _ in (1, 2)], answers[state]
            for step in range(steps):
                assert len({text for s, _, text in answers[state] if s == step}) == 1, answers[state]
        else:
            # Each step acknowledged exactly once; an unkeyed copy of a doubled one is a 409 saying why.
            assert accepted == list(range(steps)), answers[state]
            assert len(refused) == (steps if n % DOUBLED_EVERY == 0 else 0), answers[state]
        for status, text in refused:
            assert status == 409, text
            assert "already recorded" in text or "the engagement is completed" in text, text
        assert_exactly_once(histories[state], WHOLE_CASE)
        assert {entry.actor for entry in histories[state]} == {"officer"}
    assert stored_event_count(deployed.database_url or "") == WEB_CASES * len(WHOLE_CASE)
    # Each server answered its share (uvicorn logs every request it answers).
    for name in servers:
        served = web_servers.log_of(name).count('"POST /api/cases')
        assert served >= WEB_CASES * len(API_STEPS) // 2, f"{name} answered {served} steps"
    print(f"{WEB_CASES} cases through 2 web servers and 2 workers in {elapsed:.1f} s")
