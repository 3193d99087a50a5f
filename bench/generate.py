"""`python -m bench.generate`: write a synthetic history of N events into the three applications' logs."""

from __future__ import annotations

import json
import time
from collections import Counter
from uuid import UUID

from eventsourcing.domain import BaseAggregate
from pydantic import BaseModel, ConfigDict

from activities.store.logs import APPLICATIONS, EventLog
from bench.deployment import from_arguments, writer_env
from bench.report import Figure, arguments, emit
from bench.world import history
from usecases.settings import Settings

MARKER = "bench-world.json"
# Events per transaction while writing; the import path of the applications writes in such batches too.
BATCH = 2_000


class WorldInfo(BaseModel):
    """What a generated store holds: how it was made and how many events each log has."""

    model_config = ConfigDict(frozen=True)

    events: int
    seed: int
    logs: dict[str, int]
    seconds: float


def log_ends(settings: Settings) -> dict[str, int]:
    logs = [EventLog(name, writer_env(settings, name)) for name in APPLICATIONS]
    try:
        return {log.name: log.last() for log in logs}
    finally:
        for log in logs:
            log.close()


def generate(settings: Settings, events: int, seed: int) -> WorldInfo:
    """Write the synthetic history into empty logs, in transactions of about BATCH events."""
    logs = {name: EventLog(name, writer_env(settings, name)) for name in APPLICATIONS}
    pending: dict[str, list[BaseAggregate[UUID]]] = {name: [] for name in APPLICATIONS}
    pending_events: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    try:
        for application, aggregate in history(events, seed):
            batch = pending[application]
            batch.append(aggregate)
            counts[application] += aggregate.version
            pending_events[application] += aggregate.version
            if pending_events[application] >= BATCH:
                logs[application].save(*batch)
                batch.clear()
                pending_events[application] = 0
        for application, batch in pending.items():
            if batch:
                logs[application].save(*batch)
        ends = {name: log.last() for name, log in logs.items()}
    finally:
        for log in logs.values():
            log.close()
    info = WorldInfo(events=sum(counts.values()), seed=seed, logs=ends, seconds=time.perf_counter() - started)
    (settings.home_dir / MARKER).write_text(info.model_dump_json())
    return info


def ensure_world(settings: Settings, events: int, seed: int) -> WorldInfo:
    """The store's synthetic history: the one already generated with these sizes, or a new one.

    A store holding anything else is refused, so a benchmark never runs on data it cannot describe.
    """
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    marker = settings.home_dir / MARKER
    ends = log_ends(settings)
    if marker.exists():
        known = WorldInfo.model_validate_json(marker.read_text())
        if known.seed == seed and known.logs == ends and abs(known.events - events) <= events // 100 + 50:
            return known
    if any(ends.values()):
        raise SystemExit(
            f"The store already holds events ({json.dumps(ends)}) that are not a synthetic history of "
            f"{events} events with seed {seed}; use an empty store."
        )
    return generate(settings, events, seed)


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Write a synthetic history of N events (treaties, engagements, outreach).")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    with from_arguments(options) as settings:
        info = ensure_world(settings, options.events, options.seed)
        print(f"{info.events} events ({json.dumps(info.logs)}) in {info.seconds:.1f} s", flush=True)
        rate = info.events / info.seconds if info.seconds else 0.0
        figure = Figure(
            benchmark="generate", store=settings.store, figure="synthetic history written", unit="events/s",
            ours=rate, note=f"{info.events:,} events, seed {info.seed}",
        )  # fmt: skip
        emit([figure], options.json)


if __name__ == "__main__":
    main()
