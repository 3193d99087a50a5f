"""`python -m bench.web`: the web app over a large store, 20 users at once, against the same handlers with
the whole store and read model in memory (a copy on tmpfs, or a PostgreSQL tablespace there).

Each is served as deployed: `python -m deploy.web` with `--server WORKERS` processes (1 by default), asked
over loopback by this process's 20 clients. `--in-process` calls the app in this interpreter instead, as
before: its clients then share one interpreter with it, so 20 users queue behind each other's clients too."""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from activities.participants import directory
from activities.tokens import TokenCost
from activities.users import Users
from bench.deployment import from_arguments
from bench.generate import ensure_world
from bench.in_memory import in_memory
from bench.lean import LeanConnection
from bench.report import Figure, arguments, emit, percentile
from bench.served import web_server
from domain.user import Role, Scope
from projections.casebook import CaseBook
from usecases.read_models import open_store, refresh, sources
from usecases.settings import Settings
from web import create_app
from web.config import WebSettings

BASE = "http://bench"
CSRF = re.compile(r'<meta name="csrf" content="([^"]+)">')
TARGET_MS = 100.0
# Cheap hashing for the benchmark's own users: the token is checked once, then remembered (activities.users).
COST = TokenCost(n=2**10, r=8, p=1)
SECRET = "bench-secret"
WARM_UP_ROUNDS = 6
COLD_S = 1.0
# A timed request waits this long at most; an untimed warm-up request longer: a server's first dashboard over
# 1,000,000 events reads whole logs into its books (about 140 s of CPU on the benchmark's machine).
TIMEOUT_S, WARM_UP_TIMEOUT_S = 120.0, 1800.0


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


@contextmanager
def serving(settings: Settings, workers: int | None) -> Iterator[tuple[str, httpx.AsyncBaseTransport | None]]:
    """Where the requests go, and through what: a web server of its own with `workers` processes, or with
    None the app in this interpreter, called directly (its client then shares the interpreter with it)."""
    if workers is None:
        yield BASE, httpx.ASGITransport(app=create_app(settings, web=WebSettings(secret=SECRET)))
    else:
        with web_server(settings, workers, SECRET) as url:
            yield url, None


def known_states(settings: Settings) -> tuple[list[str], int]:
    """The cases' States the directory knows (the others are the benchmark's made-up codes), and how many
    cases there are."""
    known = {p.code for p in directory().all()}
    logs = sources(settings)
    try:
        cases = CaseBook(next(log for log in logs if log.name == "Engagements")).cases()
        return [case.state for case in cases if case.state in known], len(cases)
    finally:
        for log in logs:
            log.close()


def load(
    settings: Settings, requests: int, users: int, seed: int, workers: int | None
) -> dict[str, list[float]]:
    """Seconds per request of each handler, `users` at once, each user asking `requests` of each."""
    # A case page is asked for a State the directory knows.
    states, cases = known_states(settings)
    # Made before any server starts: a token is checked at the cost it was issued with, cheap here.
    token = Users(settings.store_env("Users"), cost=COST).add(
        f"bench-{uuid.uuid4().hex[:12]}", Role.MANAGER, Scope(), actor="bench"
    )[1]
    with serving(settings, workers) as (base, transport):
        timings = asyncio.run(
            drive(base, transport, token, pages(states, random.Random(seed)), requests, users, seed)
        )
    return timings | {"cases": [float(cases)]}


async def drive(
    base: str,
    transport: httpx.AsyncBaseTransport | None,
    token: str,
    wanted: dict[str, list[str]],
    requests: int,
    users: int,
    seed: int,
) -> dict[str, list[float]]:
    """Seconds per request of each handler, each of `users` signed in on a connection of its own."""
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {name: [] for name in wanted}

    def client(timeout: float = TIMEOUT_S, **headers: str) -> httpx.AsyncClient:
        # Loopback only: no proxy the environment names stands between the benchmark and the server.
        return httpx.AsyncClient(
            transport=transport, base_url=base, headers=headers, timeout=timeout, trust_env=False
        )

    async def user(number: int) -> None:
        async with client(Authorization=f"Bearer {token}") as browser:
            await signed_in(browser, token)
            order = [(name, path) for name, paths in wanted.items() for path in paths[:1]] * requests
            random.Random(seed + number).shuffle(order)
            asks = [
                (name, rng.choice(wanted[name]) if name == "case page" else first) for name, first in order
            ]
            if transport is not None:
                for name, path in asks:
                    started = time.perf_counter()
                    answer = await browser.get(path)
                    timings[name].append(time.perf_counter() - started)
                    answered(path, answer.status_code, answer.content)
                return
            # Timed through the lean client on a connection of its own, signed in as the browser is.
            cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
            headers = {"Authorization": f"Bearer {token}", "Cookie": cookie}
            async with LeanConnection(base, headers) as lean:
                for name, path in asks:
                    started = time.perf_counter()
                    async with asyncio.timeout(TIMEOUT_S):
                        status, body = await lean.get(path)
                    timings[name].append(time.perf_counter() - started)
                    answered(path, status, body)

    async def warm_up() -> float:
        """The slowest of one request of each handler on a connection of its own."""
        slowest = 0.0
        async with client(WARM_UP_TIMEOUT_S) as warm:
            await signed_in(warm, token)
            for paths in wanted.values():
                started = time.perf_counter()
                await warm.get(paths[0])
                slowest = max(slowest, time.perf_counter() - started)
        return slowest

    # Untimed rounds of a request of each handler on as many connections as users, as a server that has run
    # a while has its caches filled. A worker takes whichever connections it wakes first for, possibly none
    # of a round: rounds go on until none meets a cold cache (seconds, for the dashboard of a large store).
    for _ in range(WARM_UP_ROUNDS):
        if max(await asyncio.gather(*(warm_up() for _ in range(users)))) < COLD_S:
            break
    await asyncio.gather(*(user(n) for n in range(users)))
    return timings


def answered(path: str, status: int, body: bytes) -> None:
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}: {body[:300].decode(errors='replace')}")


def measure(
    settings: Settings, events: int, seed: int, requests: int, users: int, workers: int | None
) -> list[Figure]:
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
        ours = load(settings, requests, users, seed, workers)
        baseline = load(memory, requests, users, seed + 1, workers)
    cases = ours.pop("cases")[0]
    baseline.pop("cases")
    served = "in the benchmark's interpreter" if workers is None else f"a server of {workers} process(es)"
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
                f"{percentile(timings, 0.5) * 1000:.0f} ms; {served}",
            )
        )  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = arguments("p95 of the web app's main pages over a large store, 20 users at once.")
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=20, help="users asking at once (default 20)")
    parser.add_argument("--requests", type=int, default=3, help="requests per handler per user (default 3)")
    parser.add_argument(
        "--server", type=int, default=1, metavar="WORKERS", help="the web server's processes (default 1)"
    )
    parser.add_argument(
        "--in-process", action="store_true", help="call the app in this interpreter instead of a server"
    )
    options = parser.parse_args(argv)
    if options.server < 1:
        parser.error("--server takes a number of processes, 1 or more")
    code = 0
    try:
        with from_arguments(options) as settings:
            workers = None if options.in_process else options.server
            figures = measure(
                settings, options.events, options.seed, options.requests, options.users, workers
            )
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
