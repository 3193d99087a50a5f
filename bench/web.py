"""`python -m bench.web`: the web app over a large store, 20 users at once, against the same handlers with
the whole store and read model in memory (a copy on tmpfs, or a PostgreSQL tablespace there)."""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

from activities.participants import directory
from activities.tokens import TokenCost
from activities.users import Users
from bench.deployment import from_arguments
from bench.generate import ensure_world
from bench.report import Figure, arguments, emit, percentile
from domain.user import Role, Scope
from usecases.read_models import open_store, refresh, sources
from usecases.settings import Settings
from web import create_app
from web.config import WebSettings

BASE = "http://bench"
CSRF = re.compile(r'<meta name="csrf" content="([^"]+)">')
TARGET_MS = 100.0
# Cheap hashing for the benchmark's own users: the token is checked once, then remembered (activities.users).
COST = TokenCost(n=2**10, r=8, p=1)
MEMORY = Path("/dev/shm")


def pages(states: list[str], rng: random.Random) -> dict[str, list[str]]:
    """The four handlers measured, each with the paths its requests take (a case page: random cases)."""
    return {
        "dashboard": ["/dashboard?as_of=2010-06-30"],
        "case list (filtered, sorted)": ["/cases?instrument=trafficking&stage=assistance"],
        "case page": [f"/cases/{state}" for state in rng.sample(states, min(len(states), 200))],
        "GET /api/report/figures": ["/api/report/figures?as_of=2010-06-30"],
    }


async def signed_in(client: httpx.AsyncClient, token: str) -> None:
    found = CSRF.search((await client.get("/login")).text)
    assert found is not None, "the sign-in page carries no form token"
    answer = await client.post("/login", data={"csrf": found.group(1), "token": token})
    if answer.status_code != 303:
        raise SystemExit(f"The benchmark's manager could not sign in: {answer.status_code}")


async def load(settings: Settings, requests: int, users: int, seed: int) -> dict[str, list[float]]:
    app = create_app(settings, web=WebSettings(secret="bench-secret"))
    """Seconds per request of each handler, `users` at once, each user asking `requests` of each."""
    book = app.state.services.book
    # A case page is asked for a State the directory knows (the others are the benchmark's made-up codes).
    known = {p.code for p in directory().all()}
    states = [case.state for case in book.cases() if case.state in known]
    token = Users(settings.store_env("Users"), cost=COST).add(
        f"bench-{uuid.uuid4().hex[:12]}", Role.MANAGER, Scope(), actor="bench"
    )[1]
    transport = httpx.ASGITransport(app=app)
    rng = random.Random(seed)
    wanted = pages(states, rng)
    timings: dict[str, list[float]] = {name: [] for name in wanted}

    async def user(number: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
            await signed_in(client, token)
            order = [(name, path) for name, paths in wanted.items() for path in paths[:1]] * requests
            random.Random(seed + number).shuffle(order)
            for name, first in order:
                path = rng.choice(wanted[name]) if name == "case page" else first
                started = time.perf_counter()
                answer = await client.get(path)
                timings[name].append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise SystemExit(f"GET {path} answered {answer.status_code}: {answer.text[:300]}")

    # One warm-up request each, as a server that has run a while has its caches filled.
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as warm:
        await signed_in(warm, token)
        for paths in wanted.values():
            await warm.get(paths[0])
    await asyncio.gather(*(user(n) for n in range(users)))
    return timings | {"cases": [len(book.cases())]}


@contextmanager
def in_memory(settings: Settings) -> Iterator[Settings]:
    """The same store with every file in memory: SQLite files copied to tmpfs, or for PostgreSQL a copy of
    the database in a tablespace on tmpfs (fsync is off on the benchmark's cluster, as for ours)."""
    folder = Path(tempfile.mkdtemp(prefix="palermo-bench-web-", dir=MEMORY))
    try:
        if settings.store == "sqlite":
            shutil.copytree(settings.home_dir, folder / "home")
            yield settings.model_copy(update={"home": folder / "home"})
            return
        assert settings.database_url is not None
        name = f"bench_web_memory_{folder.name[-8:].lower()}"
        space = f"bench_memory_{folder.name[-8:].lower()}"
        with psycopg.connect(settings.database_url, autocommit=True) as db:
            found = db.execute("SELECT current_database(), current_setting('data_directory')").fetchone()
            assert found is not None
            database, data = found
            # The tablespace's folder belongs to the account the server runs as, as its data folder does.
            owner = os.stat(data)
            space_dir = folder / "tablespace"
            space_dir.mkdir()
            folder.chmod(0o711)  # the server's account passes through to its own folder
            os.chown(space_dir, owner.st_uid, owner.st_gid)
            db.execute(f"CREATE TABLESPACE {space} LOCATION '{space_dir}'")
            # Nobody else may be connected to a template: this connection goes to the maintenance database.
        url = settings.database_url.rsplit("/", 1)[0]
        with psycopg.connect(f"{url}/postgres", autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name} TEMPLATE {database} TABLESPACE {space}")
        home = folder / "home"
        shutil.copytree(settings.home_dir, home)
        try:
            yield settings.model_copy(update={"home": home, "database_url": f"{url}/{name}"})
        finally:
            with psycopg.connect(f"{url}/postgres", autocommit=True) as db:
                db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                db.execute(f"DROP TABLESPACE IF EXISTS {space}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(settings: Settings, events: int, seed: int, requests: int, users: int) -> list[Figure]:
    info = ensure_world(settings, events, seed)
    store, logs = open_store(settings), sources(settings)
    try:
        refresh(store, logs)  # the projector's work, done before anyone reads
    finally:
        store.close()
        for log in logs:
            log.close()
    # The copy is taken first: a database with connections open cannot be a template.
    with in_memory(settings) as memory:
        ours = asyncio.run(load(settings, requests, users, seed))
        baseline = asyncio.run(load(memory, requests, users, seed + 1))
    cases = ours.pop("cases")[0]
    baseline.pop("cases")
    figures = []
    for name, timings in ours.items():
        p95, base = percentile(timings, 0.95) * 1000, percentile(baseline[name], 0.95) * 1000
        figures.append(
            Figure(
                benchmark="web", store=settings.store, unit="ms",
                figure=f"p95, {name}, {users} users at once",
                ours=p95, baseline=base, baseline_name="the same, store and read model in memory",
                target=f"≤ {TARGET_MS:g} ms", met=p95 <= TARGET_MS,
                note=f"{info.events:,} events, {cases:,.0f} cases; {len(timings)} requests, median "
                f"{percentile(timings, 0.5) * 1000:.0f} ms",
            )
        )  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = arguments("p95 of the web app's main pages over a large store, 20 users at once.")
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=20, help="users asking at once (default 20)")
    parser.add_argument("--requests", type=int, default=3, help="requests per handler per user (default 3)")
    options = parser.parse_args(argv)
    code = 0
    try:
        with from_arguments(options) as settings:
            figures = measure(settings, options.events, options.seed, options.requests, options.users)
        emit(figures, options.json)
    except SystemExit as error:
        print(error, file=sys.stderr)
        code = 1
    # The app's connection pools and thread pool would keep the interpreter waiting at exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
