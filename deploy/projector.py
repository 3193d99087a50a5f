"""The projector process: keeps the read model caught up with every application's log."""

from __future__ import annotations

import signal
import threading

from deploy.read_models import current_generation, open_store, refresh, sources
from deploy.settings import Settings, load_settings

IDLE_SECONDS = 0.5


def serve(settings: Settings, stop: threading.Event) -> None:
    """Poll the logs (SQLite has no push notifications) until `stop`; follow a switched generation."""
    generation = current_generation(settings)
    store = open_store(settings, generation)
    logs = sources(settings)
    ready = settings.home_dir / "projector.ready"
    try:
        while not stop.is_set():
            moved = refresh(store, logs)
            ready.touch()
            if current_generation(settings) != generation:
                store.close()
                generation = current_generation(settings)
                store = open_store(settings, generation)
                continue
            if not moved:
                stop.wait(IDLE_SECONDS)
    finally:
        store.close()


def main() -> None:
    settings = load_settings()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    serve(settings, stop)


if __name__ == "__main__":
    main()
