"""The Grafana dashboard shipped in deploy/ asks only for series that Palermo's processes export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import activities.metrics
import usecases.metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "palermo.json"
SERIES = re.compile(r"\bpalermo_[a-z_]+")
SUFFIXES = ("_total", "_bucket", "_count", "_sum", "_created")


def exported() -> set[str]:
    # Importing the modules registers their series.
    assert activities.metrics.STEPS is not None
    assert usecases.metrics.HTTP_SECONDS is not None
    names = set()
    for family in REGISTRY.collect():
        for sample in family.samples:
            names.add(sample.name)
        names.add(family.name)
    return names


def test_every_palermo_series_on_the_dashboard_is_exported() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    asked = {
        name for panel in dashboard["panels"] for t in panel["targets"] for name in SERIES.findall(t["expr"])
    }
    known = exported()
    # A histogram's or counter's samples appear under their suffixed names once observed: accept the family.
    missing = {n for n in asked if n not in known and not any(n.removesuffix(s) in known for s in SUFFIXES)}
    assert asked, "the dashboard asks for no series of ours"
    assert missing == set()
    for series in ("palermo_steps", "palermo_projector_lag_events", "palermo_http_request_seconds"):
        assert any(name.startswith(series) for name in asked), series
