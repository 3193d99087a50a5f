"""The API against its own OpenAPI document: requests generated from it (valid and invalid), sent by an
officer, a manager and an auditor to a deployed web server, never get a server error, are answered as the
document says, are refused in one JSON sentence, and a refused request records nothing in any store."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import pytest
import pytest_asyncio
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from activities.store.logs import APPLICATIONS, EventLog
from activities.store.opening import opened
from activities.users import Users
from domain.regions import REGION_OF
from domain.user import Role, Scope
from tests.integration.processes import WebServers, Workers
from tests.integration.web_app import TEST_COST
from usecases.settings import Settings

pytestmark = pytest.mark.postgres

# Generated requests per operation (valid and invalid together): about a minute on two cores for all.
EXAMPLES = 25
ROLES = (Role.OFFICER, Role.MANAGER, Role.AUDITOR)
# Every store a request could write to.
STORES = (*APPLICATIONS, "Users")
# What the engine records of itself (a step overdue), whatever requests come meanwhile.
AUTOMATIC = {"ReminderSent", "StepEscalated"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


class Stores:
    """Every store's notification log, to tell what a request recorded."""

    def __init__(self, deployed: Settings) -> None:
        self.logs = [opened(partial(EventLog, name, deployed.store_env(name))) for name in STORES]

    def positions(self) -> list[int]:
        return [log.last() for log in self.logs]

    def recorded_since(self, before: list[int]) -> list[str]:
        """The events stored since `before`, by store and type, except those the engine records itself."""
        found = []
        for log, position in zip(self.logs, before, strict=True):
            for _, event in log.read(position, 100):
                if type(event).__name__ not in AUTOMATIC:
                    found.append(f"{log.name}: {type(event).__name__}")
        return found

    def close(self) -> None:
        for log in self.logs:
            log.close()


@dataclass
class Api:
    """A deployed web server with its worker, a token per role, and the values its paths take."""

    url: str
    schema: BaseSchema
    tokens: dict[Role, str]
    stores: Stores
    session: requests.Session
    # Values for paths and bodies, besides generated ones: the officer's States (the first without a case,
    # the second with one open), another State, no State; the users' names.
    places: list[str]
    names: list[str]
    # What the requests were answered with: (operation, role, status) -> how many times.
    answers: Counter[tuple[str, str, int]] = field(default_factory=Counter)


@pytest_asyncio.fixture(loop_scope="session")
async def api(deployed: Settings, workers: Workers, web_servers: WebServers) -> AsyncIterator[Api]:
    workers.start("worker", wait=False)
    web_servers.start("web", wait=False)
    workers.wait_ready("worker")
    web_servers.wait_ready("web")
    url = web_servers.url("web")
    mine, other = random.sample(sorted(REGION_OF), 2), random.choice(sorted(REGION_OF))
    users = Users(deployed.store_env("Users"), cost=TEST_COST)
    scopes = {Role.OFFICER: Scope(states=tuple(mine))}
    tokens = {role: users.add(role.value, role, scopes.get(role, Scope()), actor="test")[1] for role in ROLES}
    users.close()
    stores = Stores(deployed)
    before = stores.positions()
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        opened_case = await http.post(
            "/api/cases",
            json={"state": mine[1], "instruments": ["convention", "firearms"]},
            headers={"Authorization": f"Bearer {tokens[Role.OFFICER]}"},
        )
        assert opened_case.status_code == 201, opened_case.text
    # What the test counts is what a request records.
    assert stores.recorded_since(before) == ["Engagements: RequestReceived"]
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    with requests.Session() as session:
        places = [*mine, other, "ZZZ"]
        yield Api(url, schema, tokens, stores, session, places, [role.value for role in ROLES])
    stores.close()


def explore(api: Api, operation: APIOperation[Any, Any, Any, Any]) -> str | None:
    """Send EXAMPLES generated requests to one operation; the first problem found, if any."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, role=st.sampled_from(ROLES), data=st.data())
    def exercise(case: schemathesis.Case[Any], role: Role, data: st.DataObject) -> None:
        steer(api, case, data)
        before = api.stores.positions()
        # A request generated with its headers wrong (no token, say) is sent as generated.
        sent_as_generated = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
        token = {} if sent_as_generated else {"Authorization": f"Bearer {api.tokens[role]}"}
        response = case.call(base_url=api.url, session=api.session, headers=token, timeout=60)
        api.answers[(operation.label, role.value, response.status_code)] += 1
        what = f"{case.as_curl_command(base_url=api.url)} as {role.value}: {response.status_code}"
        if response.status_code >= 400:
            assert_one_sentence(response, what)
            recorded = api.stores.recorded_since(before)
            assert recorded == [], f"{what}, refused, yet recorded {recorded}"
        case.validate_response(response, checks=CHECKS)

    try:
        exercise()
    except (Exception, FailureGroup) as failure:
        return f"{operation.label}: {type(failure).__name__}: {failure}"
    return None


def steer(api: Api, case: schemathesis.Case[Any], data: st.DataObject) -> None:
    """Mostly, aim at what exists (a generated State name would only ever meet a 404), and, in valid
    requests, leave the date out at times (a generated one is nearly always before the request)."""
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if not negative and isinstance(case.body, dict):
        if "state" in case.body:
            case.body["state"] = data.draw(st.sampled_from([*api.places, None])) or case.body["state"]
        if "effective_date" in case.body and data.draw(st.booleans()):
            del case.body["effective_date"]
    negative_path = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
    if negative_path or not case.path_parameters:
        return
    for name, values in (("state", api.places), ("participant", api.places), ("name", api.names)):
        if name in case.path_parameters:
            # None, the generated value, comes last: Hypothesis draws the first ones more often.
            chosen = data.draw(st.sampled_from([*values, None]))
            case.path_parameters[name] = chosen or case.path_parameters[name]


def assert_one_sentence(response: schemathesis.Response, what: str) -> None:
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), f"{what}: {content_type}"
    body: Any = response.json()
    assert isinstance(body, dict), f"{what}: {response.text[:300]}"
    assert list(body) == ["error"], f"{what}: {response.text[:300]}"
    sentence = body["error"]
    assert isinstance(sentence, str), f"{what}: {response.text[:300]}"
    assert sentence.strip(), what
    assert "\n" not in sentence, f"{what}: {sentence[:300]}"
    assert "Traceback" not in sentence, f"{what}: {sentence[:300]}"
    assert 'File "' not in sentence, f"{what}: {sentence[:300]}"


def test_generated_requests_from_every_role_are_answered_as_the_openapi_document_says(api: Api) -> None:
    operations = [result.ok() for result in api.schema.get_all_operations() if isinstance(result, Ok)]
    started = time.monotonic()

    problems = [problem for operation in operations if (problem := explore(api, operation)) is not None]

    elapsed = time.monotonic() - started
    # Every case and step route is in the document the test generated from.
    labels = {operation.label for operation in operations}
    assert {"POST /api/cases", "POST /api/cases/{state}/training", "PUT /api/users/{name}/scope"} <= labels
    assert len(operations) >= 23, labels
    assert problems == [], "\n\n".join(problems)
    # Generated requests reached the routes' work, not only their refusals.
    answered = {label for label, _, status in api.answers if status < 300}
    assert len(answered) >= 10, api.answers
    print(f"{len(operations)} operations x {EXAMPLES} generated requests in {elapsed:.1f} s")
