"""The projector process: keeps the read model caught up with every application's log."""

from __future__ import annotations

import signal
import threading
import time

from usecases.read_models import current_generation, open_store, refresh, sources
from usecases.settings import Settings, keep_private, load_settings

# An idle poll is two small reads per log: 1% of a core at this rate on SQLite, 3% on PostgreSQL. At 0.5 s
# the wait alone put a step's p99 from update to read model near 500 ms, against a target of 250 ms.
IDLE_SECONDS = 0.05
# Whether a rebuild switched the read model is asked once a second, not at every poll: on PostgreSQL the
# question opens a connection, which at twenty polls a second took 8% of a core while idle.
GENERATION_SECONDS = 1.0


def serve(settings: Settings, stop: threading.Event) -> None:
    """Poll the logs (SQLite has no push notifications) until `stop`; follow a switched generation."""
    generation = current_generation(settings)
    store = open_store(settings, generation)
    logs = sources(settings)
    ready = settings.home_dir / "projector.ready"
    asked = time.monotonic()
    try:
        while not stop.is_set():
            moved = refresh(store, logs)
            ready.touch()
            if time.monotonic() - asked >= GENERATION_SECONDS:
                asked = time.monotonic()
                latest = current_generation(settings)
                if latest != generation:
                    store.close()
                    generation = latest
                    store = open_store(settings, generation)
                    continue
            if not moved:
                stop.wait(IDLE_SECONDS)
    finally:
        store.close()


def main() -> None:
    keep_private()
    settings = load_settings()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    serve(settings, stop)


if __name__ == "__main__":
    main()
