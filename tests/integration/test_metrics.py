"""Metrics in Prometheus form: a step taken through the API is counted, timed and named by its route."""

from __future__ import annotations

import io
import json
import logging
import random
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from temporalio.testing import WorkflowEnvironment

from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import running_web_app
from usecases.logs import JsonLines

OFFICER = "officer"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


async def test_a_step_and_a_refusal_are_counted_and_timed_on_metrics(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    state = random.choice(sorted(REGION_OF))
    async with running_web_app(temporal_env_dev, tmp_path) as web:
        web.add_user(OFFICER, Role.OFFICER, states=(state,))
        before = samples((await web.http.get("/metrics")).text)
        opened = await web.api(
            "POST", "/api/cases", OFFICER, json={"state": state, "instruments": ["convention"]}
        )
        assert opened.status_code == 201, opened.text
        refused = await web.api("POST", f"/api/cases/{state}/training", OFFICER, json={})
        assert refused.status_code == 409, refused.text

        answer = await web.http.get("/metrics")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    after = samples(answer.text)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("palermo_steps_total", command="open", outcome="recorded") == 1
    assert grew("palermo_step_record_seconds_count", command="open") == 1
    assert grew("palermo_update_seconds_count", command="open") == 1
    assert grew("palermo_update_seconds_count", command="training") == 1
    # The workflow refused training before the activity ran: the activity counted no refusal.
    assert grew("palermo_steps_total", command="training", outcome="recorded") == 0
    posted = {"route": "/api/cases", "method": "POST", "status": "201"}
    assert grew("palermo_http_request_seconds_count", **posted) == 1
    refusal = {"route": "/api/cases/{state}/training", "method": "POST", "status": "409"}
    assert grew("palermo_http_request_seconds_count", **refusal) == 1
    # Each case is not a series of its own: no label names the State.
    assert state not in answer.text


async def test_each_request_is_one_json_line_with_its_route_status_and_time(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines())
    access = logging.getLogger("palermo.web.access")
    level = access.level
    access.setLevel(logging.INFO)
    access.addHandler(handler)
    state = random.choice(sorted(REGION_OF))
    try:
        async with running_web_app(temporal_env_dev, tmp_path) as web:
            web.add_user(OFFICER, Role.OFFICER, states=(state,))
            found = await web.api("GET", f"/api/cases/{state}?token=not-to-be-logged", OFFICER)
            assert found.status_code == 404, found.text
    finally:
        access.removeHandler(handler)
        access.setLevel(level)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    [asked] = [line for line in lines if line["path"] == f"/api/cases/{state}"]
    assert asked["logger"] == "palermo.web.access"
    assert (asked["method"], asked["route"], asked["status"]) == ("GET", "/api/cases/{state}", 404)
    assert asked["ms"] >= 0
    assert asked["message"] == f"GET /api/cases/{state} 404"
    assert "not-to-be-logged" not in out.getvalue()
