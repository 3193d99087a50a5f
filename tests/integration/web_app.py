"""The web app in-process on a real worker and Temporal dev server, with users of every role and scope."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from google.protobuf.duration_pb2 import Duration
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest
from temporalio.client import Client, Interceptor
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.engagements import Engagements
from activities.tokens import TokenCost
from activities.users import Users
from deploy.worker import ACTIVITY_THREADS, build_worker
from domain.user import Role, Scope
from usecases.settings import Settings
from web import create_app
from web.config import WebSettings
from web.services import utc_now

BASE = "http://testserver"
# Cheap hashing: these tokens live for one test; production keeps the default cost.
TEST_COST = TokenCost(n=2**10, r=8, p=1)
CSRF = re.compile(r'<meta name="csrf" content="([^"]+)">')


async def own_namespace(env: WorkflowEnvironment, interceptors: Sequence[Interceptor] = ()) -> Client:
    """A client on a namespace of the test's own, so no other test's workflow shares an id."""
    name = f"web-{uuid.uuid4().hex[:12]}"
    await env.client.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace=name, workflow_execution_retention_period=Duration(seconds=86_400))
    )
    return await Client.connect(
        env.client.service_client.config.target_host,
        namespace=name,
        data_converter=pydantic_data_converter,
        interceptors=interceptors,
    )


@dataclass
class WebApp:
    """The app, an HTTP client bound to it, its settings and stores, and a token per user added."""

    app: FastAPI
    transport: httpx.ASGITransport
    http: httpx.AsyncClient
    settings: Settings
    users: Users
    tokens: dict[str, str] = field(default_factory=dict)

    def engagements(self) -> Engagements:
        return Engagements(self.settings.store_env("Engagements"))

    def recorded(self, state: str) -> list[str]:
        """The event types stored for the State's engagement (the record of truth)."""
        return [entry.type for entry in self.engagements().history(state)]

    def add_user(
        self, name: str, role: Role, states: tuple[str, ...] = (), regions: tuple[str, ...] = ()
    ) -> str:
        _, token = self.users.add(name, role, Scope(states=states, regions=regions), actor="test")
        self.tokens[name] = token
        return token

    def bearer(self, name: str | None) -> dict[str, str]:
        return {} if name is None else {"Authorization": f"Bearer {self.tokens.get(name, name)}"}

    async def api(
        self, method: str, path: str, user: str | None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return await self.http.request(method, path, headers=self.bearer(user) | (headers or {}), **kwargs)

    async def browser(self, name: str | None) -> httpx.AsyncClient:
        """A separate cookie jar, signed in as `name` (or not signed in at all)."""
        client = httpx.AsyncClient(transport=self.transport, base_url=BASE)
        if name is not None:
            signed = await sign_in(client, self.tokens[name])
            assert signed.status_code == 303, signed.text
        return client


async def csrf_of(client: httpx.AsyncClient) -> str:
    page = await client.get("/login")
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, token: str, **form: str) -> httpx.Response:
    """The sign-in form posted as a browser posts it: with the form token of the page it came from."""
    return await client.post("/login", data={"csrf": await csrf_of(client), "token": token, **form})


def app_alone(home: Path, clock: Callable[[], datetime] = utc_now, **web: Any) -> FastAPI:
    """The web app with no Temporal server behind it: enough to sign in, out, and read the users."""
    return create_app(Settings(home=home), clock=clock, web=WebSettings(secret="test-secret", **web))


def client_at(
    app: FastAPI, address: str = "127.0.0.1", cookies: httpx.Cookies | None = None
) -> httpx.AsyncClient:
    """A cookie jar (a copy of `cookies`, if given) whose requests come from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50_000))
    return httpx.AsyncClient(transport=transport, base_url=BASE, cookies=cookies)


def users_of(home: Path) -> Users:
    """The Users store under `home`, as `palermo user` opens it (with cheap hashing)."""
    return Users(Settings(home=home).store_env("Users"), cost=TEST_COST)


def wrong_secret(token: str) -> str:
    """The token with one character of its secret changed."""
    token_id, _, secret = token.partition(".")
    return f"{token_id}.{'A' if secret[0] != 'A' else 'B'}{secret[1:]}"


@asynccontextmanager
async def running_web_app(
    env: WorkflowEnvironment,
    home: Path,
    clock: Callable[[], datetime] = utc_now,
    interceptors: Sequence[Interceptor] = (),
    **web: Any,
) -> AsyncIterator[WebApp]:
    """A worker and the web app on a namespace and task queue of their own; SQLite stores under `home`.
    With `interceptors` (tracing), the client, the worker and the web app trace."""
    client = await own_namespace(env, interceptors)
    settings = Settings(
        home=home,
        tracing="console" if interceptors else "off",
        temporal_address=client.service_client.config.target_host,
        temporal_namespace=client.namespace,
        task_queue=f"web-{uuid.uuid4().hex[:8]}",
    )
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with build_worker(client, settings, executor):
            app = create_app(
                settings,
                client=client,
                clock=clock,
                # The worker here shares the test's event loop: a loop busy with the test is not a worker
                # that is down (tests/integration/test_faults.py stops a real one).
                web=WebSettings(secret="test-secret", **({"accept_within": 30.0} | web)),
            )
            users = Users(settings.store_env("Users"), cost=TEST_COST)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
                yield WebApp(app=app, transport=transport, http=http, settings=settings, users=users)
