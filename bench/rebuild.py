"""`python -m bench.rebuild`: the read model rebuilt from nothing, against reading and decoding the logs."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bench.deployment import from_arguments
from bench.generate import ensure_world
from bench.report import Figure, arguments, emit
from projections.runner import PAGE, catch_up
from usecases.read_models import drop, open_fresh, sources
from usecases.settings import Settings

TARGET = 0.5


def read_and_decode(settings: Settings) -> tuple[int, float]:
    """Every event of every log, read in pages and decoded into its domain event, and nothing else."""
    logs = sources(settings)
    try:
        started = time.perf_counter()
        events = 0
        for log in logs:
            position = 0
            while notes := log.read(position, PAGE):
                events += len(notes)
                position = notes[-1][0]
        return events, time.perf_counter() - started
    finally:
        for log in logs:
            log.close()


def rebuild(settings: Settings) -> tuple[int, float]:
    """A fresh read-model generation caught up from nothing, as `palermo projections rebuild` builds it."""
    generation = f"bench_{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
    store = open_fresh(settings, generation)
    logs = sources(settings)
    try:
        started = time.perf_counter()
        events = catch_up(store, logs)
        store.complete()
        return events, time.perf_counter() - started
    finally:
        store.close()
        for log in logs:
            log.close()
        drop(settings, generation)


def measure(settings: Settings, events: int, seed: int) -> list[Figure]:
    ensure_world(settings, events, seed)
    read_and_decode(settings)  # once to warm the caches, so both runs below read warm pages
    read, read_seconds = read_and_decode(settings)
    built, built_seconds = rebuild(settings)
    ours, baseline = built / built_seconds, read / read_seconds
    return [
        Figure(
            benchmark="rebuild", store=settings.store, figure="read model rebuilt from scratch",
            unit="events/s", ours=ours, baseline=baseline, baseline_name="read + decode the logs",
            target=f"≥ {TARGET:.0%} of read + decode", met=ours >= TARGET * baseline,
            note=f"{built:,} events",
        )
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = arguments("Read-model rebuild rate against the rate of reading and decoding the logs alone.")
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    with from_arguments(options) as settings:
        figures = measure(settings, options.events, options.seed)
    emit(figures, options.json)


if __name__ == "__main__":
    main()
