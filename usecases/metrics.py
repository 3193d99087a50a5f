"""The deployment's series in Prometheus form, besides the worker's own (activities.metrics): update
latency as a sender sees it, the projector's lag and the read model's age, HTTP latency by route."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

__all__ = ["CONTENT_TYPE_LATEST", "MULTIPROCESS_DIR", "exposition", "serve_metrics"]

# Set before a process starts, this folder is where it keeps its series, for any of its siblings to read.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

UPDATE_SECONDS = Histogram(
    "palermo_update_seconds",
    "Seconds from a command sent to its workflow update answered (recorded or refused), by command.",
    ["command"],
    buckets=LATENCY_BUCKETS,
)
PROJECTOR_LAG = Gauge(
    "palermo_projector_lag_events",
    "Events a log holds that the read model has not read yet, by log.",
    ["log"],
)
READ_MODEL_AGE = Gauge(
    "palermo_read_model_age_seconds",
    "Seconds since the projector last found the read model caught up with every log.",
)
HTTP_SECONDS = Histogram(
    "palermo_http_request_seconds",
    "Seconds the web app took to answer, by route template, method and status.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)


def exposition() -> bytes:
    """Every series of this process, in the Prometheus text format; of every process sharing the folder
    of MULTIPROCESS_DIR (a web server's workers), when it is set: a scrape reaches any one of them."""
    if MULTIPROCESS_DIR not in os.environ:
        return generate_latest()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def serve_metrics(port: int | None, host: str = "0.0.0.0") -> None:
    """Answer GET /metrics on `port` from a thread of this process; nothing when `port` is None."""
    if port is not None:
        start_http_server(port, addr=host)
