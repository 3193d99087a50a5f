"""`python -m bench.memory`: the worker's peak resident memory with N open engagements, against idle."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from datetime import date

from bench.deployment import from_arguments
from bench.embedded import Embedded, embedded, resident_mb
from bench.participants import codes
from bench.report import Figure, arguments, emit
from domain.commands import OpenEngagement
from domain.values import Door, Instrument
from usecases.cases import connect, send

TARGET_MB = 600.0
WARM_UP = 20


def _opening(state: str) -> OpenEngagement:
    return OpenEngagement(
        state=state,
        actor="bench",
        effective_date=date(2002, 1, 1),
        instruments=(Instrument.CONVENTION,),
        command_id=f"bench/{state}/open",
    )


async def open_engagements(running: Embedded, states: list[str], concurrency: int) -> None:
    client = await connect(running.settings)
    gate = asyncio.Semaphore(concurrency)

    async def one(state: str) -> None:
        async with gate:
            await send(client, running.settings, _opening(state), door=Door.CLI)

    await asyncio.gather(*(one(state) for state in states))


def measure(running: Embedded, engagements: int, concurrency: int, seed: int) -> list[Figure]:
    worker = running.pids["worker"]
    states = codes(engagements + WARM_UP, seed)
    asyncio.run(open_engagements(running, states[:WARM_UP], concurrency))
    idle = resident_mb(worker)
    # VmHWM is the kernel's own peak; sampling VmRSS as well shows the figure is not a stale high.
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            samples.append(resident_mb(worker))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    asyncio.run(open_engagements(running, states[WARM_UP:], concurrency))
    done.set()
    sampler.join()
    peak, last = resident_mb(worker, "VmHWM"), resident_mb(worker)
    return [
        Figure(
            benchmark="memory", store=running.settings.store, unit="MB",
            figure=f"worker peak resident memory, {engagements:,} open engagements",
            ours=peak, baseline=idle, baseline_name=f"worker after {WARM_UP} engagements",
            target=f"≤ {TARGET_MB:g} MB", met=peak <= TARGET_MB,
            note=f"resident at the end {last:.0f} MB; largest sample {max(samples, default=0):.0f} MB",
        )
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Peak resident memory of the worker while N engagements are opened and stay open.")
    parser.add_argument("--engagements", type=int, default=10_000, help="engagements opened (default 10,000)")
    parser.add_argument("--concurrency", type=int, default=100, help="opens in flight (default 100)")
    parser.add_argument("--seed", type=int, default=31)
    options = parser.parse_args(argv)
    with from_arguments(options) as settings, embedded(settings, projector=False) as running:
        figures = measure(running, options.engagements, options.concurrency, options.seed)
    emit(figures, options.json)
    # The Temporal client's threads may call into Python while it finalizes (temporalio/sdk-python#300).
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
