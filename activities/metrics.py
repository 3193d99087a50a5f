"""The worker's own series in Prometheus form: steps recorded and refused per command, and the time each
took to record. Exposed by whatever process records them (deploy.worker, or the web app's /metrics when a
worker shares its process)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

STEPS = Counter(
    "palermo_steps",
    "Commands the record_command activity handled, by command and outcome (recorded, repeated, refused).",
    ["command", "outcome"],
)
RECORD_SECONDS = Histogram(
    "palermo_step_record_seconds",
    "Seconds the record_command activity took to decide and store one command, by command.",
    ["command"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
