"""`python -m bench.steps`: steps end to end on the embedded stack, and their latency to the read model."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from datetime import date

from temporalio.client import Client

from activities.engagements import Engagements
from bench import bare
from bench.append import case_commands
from bench.deployment import from_arguments
from bench.embedded import Embedded, cpu_seconds, embedded
from bench.participants import SyntheticDirectory, codes
from bench.report import Figure, arguments, emit, percentile
from domain.commands import Command
from domain.values import Door
from projections.facts import STEP
from projections.store import FactQuery, FactStore
from usecases.cases import connect, send
from usecases.read_models import open_store
from usecases.settings import Settings

STEPS_PER_CASE = len(case_commands("AAA"))
POLL_S = 0.005
SETTLE_S = 30.0


class States:
    """Fresh synthetic States, so each phase opens engagements no earlier phase touched."""

    def __init__(self, seed: int) -> None:
        self._codes: Iterator[str] = iter(codes(17_576, seed))

    def take(self, count: int) -> list[str]:
        return [next(self._codes) for _ in range(count)]


async def throughput(
    running: Embedded, client: Client, states: list[str], concurrency: int
) -> tuple[float, dict[str, float]]:
    """Steps per second with `concurrency` cases in flight, and CPU milliseconds per step by process."""
    gate = asyncio.Semaphore(concurrency)

    async def case(state: str) -> None:
        async with gate:
            for command in case_commands(state):
                await send(client, running.settings, command, door=Door.CLI)

    before, client_before = running.cpu(), time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(case(state) for state in states))
    elapsed = time.perf_counter() - started
    after, client_after = running.cpu(), time.process_time()
    steps = len(states) * STEPS_PER_CASE
    per_step = {kind: (after[kind] - before[kind]) * 1000 / steps for kind in after}
    per_step["bench client"] = (client_after - client_before) * 1000 / steps
    return steps / elapsed, per_step


async def bare_throughput(
    client: Client, pid: int, cases: list[str], concurrency: int, *, local_activity: bool
) -> tuple[float, float]:
    """Bare Temporal's steps/s in the same loop as `throughput`, and its worker's CPU ms per step."""
    gate = asyncio.Semaphore(concurrency)

    async def case(name: str) -> None:
        async with gate:
            for number in range(1, STEPS_PER_CASE + 1):
                step = bare.BareStep(number=number, local_activity=local_activity)
                await bare.send(client, name, step, STEPS_PER_CASE)

    kind = "la" if local_activity else "noop"
    before = cpu_seconds(pid)
    started = time.perf_counter()
    await asyncio.gather(*(case(f"{kind}-{name}") for name in cases))
    elapsed = time.perf_counter() - started
    steps = len(cases) * STEPS_PER_CASE
    return steps / elapsed, (cpu_seconds(pid) - before) * 1000 / steps


def direct(settings: Settings, states: list[str]) -> float:
    """Steps per second through the Engagements application alone, in this process: no Temporal."""
    app = Engagements(settings.store_env("Engagements"), participants=SyntheticDirectory())
    commands = [command for state in states for command in case_commands(state)]
    try:
        started = time.perf_counter()
        for command in commands:
            app.handle(command)
        return len(commands) / (time.perf_counter() - started)
    finally:
        app.close()


def _visible(store: FactStore, states: list[str]) -> list[tuple[str, str]]:
    query = FactQuery(fact=STEP, effective_to=date.max)
    return [(row.subject, row.object) for row in store.facts(query, subjects=states)]


async def latency(
    running: Embedded, client: Client, states: States, rate: float, steps: int
) -> tuple[list[float], list[float]]:
    """Open-loop load of `rate` steps/s: seconds from each update sent to answered, and to read-model rows."""
    store = open_store(running.settings)
    sent: dict[tuple[str, str], float] = {}
    answered: list[float] = []
    visible: list[float] = []
    idle: deque[tuple[str, deque[Command]]] = deque()
    finished = asyncio.Event()

    async def poll() -> None:
        while not finished.is_set() or sent:
            await asyncio.sleep(POLL_S)
            waiting = sorted({state for state, _ in sent})
            if not waiting:
                continue
            rows = await asyncio.to_thread(_visible, store, waiting)
            now = time.perf_counter()
            for key in rows:
                if key in sent:
                    visible.append(now - sent.pop(key))

    async def step(state: str, rest: deque[Command]) -> None:
        command = rest.popleft()
        key = (state, "request" if command.kind == "open" else command.kind)
        sent[key] = started = time.perf_counter()
        await send(client, running.settings, command, door=Door.CLI)
        answered.append(time.perf_counter() - started)
        if rest:
            idle.append((state, rest))

    poller = asyncio.create_task(poll())
    tasks = []
    origin = time.perf_counter()
    for n in range(steps):
        await asyncio.sleep(max(0.0, origin + n / rate - time.perf_counter()))
        if not idle:
            state = states.take(1)[0]
            idle.append((state, deque(case_commands(state))))
        tasks.append(asyncio.create_task(step(*idle.popleft())))
    await asyncio.gather(*tasks)
    finished.set()
    try:
        await asyncio.wait_for(poller, SETTLE_S)
    finally:
        store.close()
    return answered, visible


async def measure(running: Embedded, options: argparse.Namespace) -> list[Figure]:
    """Warm up, 1 worker at full load and bare Temporal beside it, the application alone, latency at the
    offered rate, 2 workers."""
    cases, concurrency = options.cases, options.concurrency
    client = await connect(running.settings)
    states = States(options.seed)
    worker = bare.start_worker(running.settings)
    try:
        warm = states.take(min(cases, 20))
        await throughput(running, client, warm, concurrency)
        await bare_throughput(client, worker.pid, warm, concurrency, local_activity=True)
        one, per_step = await throughput(running, client, states.take(cases), concurrency)
        named = states.take(cases)
        with_la, la_cpu = await bare_throughput(client, worker.pid, named, concurrency, local_activity=True)
        noop, _ = await bare_throughput(client, worker.pid, named, concurrency, local_activity=False)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    alone = direct(running.settings, states.take(max(5, cases // 4)))
    answered, visible = await latency(running, client, states, options.rate, options.steps)
    running.add_worker()
    two, _ = await throughput(running, client, states.take(cases), concurrency)
    store, steps = running.settings.store, cases * STEPS_PER_CASE
    in_flight = f"{steps:,} steps, {concurrency} cases in flight"
    figures = [
        Figure(
            benchmark="steps", store=store, unit="steps/s",
            figure="steps/s, 1 worker (update-with-start → activity → event stored)",
            ours=one, baseline=with_la, baseline_name="bare Temporal: update + one no-op local activity",
            target="≥ 0.9 of baseline", met=one >= 0.9 * with_la, note=in_flight,
        ),
        Figure(
            benchmark="steps", store=store, unit="steps/s", figure="steps/s, 1 worker, beside a no-op update",
            ours=one, baseline=noop, baseline_name="bare Temporal: update answered, nothing else",
            note=in_flight,
        ),
        Figure(
            benchmark="steps", store=store, unit="ms", figure="worker CPU per step",
            ours=per_step["worker"], baseline=la_cpu, baseline_name="bare worker: update + local activity",
            target="≤ 1.5 times baseline", met=per_step["worker"] <= 1.5 * la_cpu,
        ),
        Figure(
            benchmark="steps", store=store, unit="steps/s", figure="steps/s, Engagements.handle alone",
            ours=alone, baseline=one, baseline_name="1 worker, through Temporal",
            note="the event store's share: no Temporal",
        ),
        Figure(
            benchmark="steps", store=store, figure="steps/s, 2 workers", unit="steps/s", ours=two,
            baseline=one, baseline_name="1 worker", note=f"{steps:,} steps",
        ),
    ]  # fmt: skip
    total = sum(per_step.values())
    for kind, ms in per_step.items():
        figures.append(
            Figure(
                benchmark="steps", store=store, figure=f"CPU per step, {kind}", unit="ms",
                ours=ms, baseline=total, baseline_name="all processes",
                note=f"together: ≤ {2000 / total:.0f} steps/s on 2 cores" if kind == "temporal" else "",
            )
        )  # fmt: skip
    return figures + _latencies(store, answered, visible, options)


def _latencies(
    store: str, answered: list[float], visible: list[float], options: argparse.Namespace
) -> list[Figure]:
    figures = []
    for name, fraction in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        ours, base = percentile(visible, fraction) * 1000, percentile(answered, fraction) * 1000
        last = name == "p99"
        seen = f"{len(visible)} of {options.steps} steps seen, {options.rate:g} steps/s offered"
        figures.append(
            Figure(
                benchmark="steps", store=store, unit="ms",
                figure=f"latency {name}, update sent → step in the read model",
                ours=ours, baseline=base, baseline_name="update sent → answered (event stored)",
                target="≤ 250 ms" if last else "", met=ours <= 250 if last else None,
                note=seen if last else "",
            )
        )  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Officer steps per second and latency to the read model on the embedded stack.")
    parser.add_argument("--cases", type=int, default=400, help="engagements per phase (default 400)")
    parser.add_argument("--concurrency", type=int, default=100, help="cases in flight (default 100)")
    parser.add_argument("--rate", type=float, default=20.0, help="offered steps/s for latency (default 20)")
    parser.add_argument("--steps", type=int, default=600, help="steps sent for latency (default 600)")
    parser.add_argument("--seed", type=int, default=21)
    options = parser.parse_args(argv)
    with from_arguments(options) as settings, embedded(settings, projector=True) as running:
        figures = asyncio.run(measure(running, options))
    emit(figures, options.json)
    # The Temporal client's threads may call into Python while it finalizes (temporalio/sdk-python#300).
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
