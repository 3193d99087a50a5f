"""The projector process: keeps the read model caught up with every application's log, and, when mail is
configured, tells people of reminders and escalations beside it (usecases.notifier)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Sequence

from activities.store.logs import EventLog
from projections.store import FactStore
from usecases import logs, notifier
from usecases.metrics import PROJECTOR_LAG, READ_MODEL_AGE, serve_metrics
from usecases.read_models import current_generation, open_store, refresh, sources
from usecases.settings import Settings, keep_private, load_settings

# An idle poll is two small reads per log: 1% of a core at this rate on SQLite, 3% on PostgreSQL. At 0.5 s
# the wait alone put a step's p99 from update to read model near 500 ms, against a target of 250 ms.
IDLE_SECONDS = 0.05
# Whether a rebuild switched the read model is asked once a second, not at every poll: on PostgreSQL the
# question opens a connection, which at twenty polls a second took 8% of a core while idle.
GENERATION_SECONDS = 1.0


def watch(store: FactStore, logs: Sequence[EventLog], caught_up: float) -> float:
    """Set the lag of each log and the read model's age; the time it was last caught up with every log."""
    read = store.positions()
    behind = 0
    for log in logs:
        lag = max(0, log.last() - read.get(log.name, 0))
        PROJECTOR_LAG.labels(log.name).set(lag)
        behind += lag
    now = time.monotonic()
    if behind == 0:
        caught_up = now
    READ_MODEL_AGE.set(now - caught_up)
    return caught_up


def serve(settings: Settings, stop: threading.Event) -> None:
    """Poll the logs (SQLite has no push notifications) until `stop`; follow a switched generation."""
    generation = current_generation(settings)
    store = open_store(settings, generation)
    logs = sources(settings)
    ready = settings.home_dir / "projector.ready"
    asked = caught_up = time.monotonic()
    try:
        while not stop.is_set():
            moved = refresh(store, logs)
            ready.touch()
            if time.monotonic() - asked >= GENERATION_SECONDS:
                asked = time.monotonic()
                caught_up = watch(store, logs, caught_up)
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
    serve_metrics(settings.projector_metrics_port, settings.metrics_host)
    logs.configure()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    mail = None
    if settings.smtp_host is not None:
        # On a thread of its own: a slow mail server never holds up the read model.
        mail = threading.Thread(target=notifier.serve, args=(settings, stop), name="notifier")
        mail.start()
    try:
        serve(settings, stop)
    finally:
        stop.set()
        if mail is not None:
            mail.join()


if __name__ == "__main__":
    main()
