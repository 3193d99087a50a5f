"""The stock `temporal` command drives an engagement exactly as the README documents it."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.conftest import TEMPORAL, Outcome, Palermo, clean_env, run

WORKFLOW = "engagement-PER"


def _temporal(palermo: Palermo, *args: str) -> Outcome:
    address = palermo.stack_file()["temporal_address"]
    return run([str(TEMPORAL), "--address", address, *args], clean_env())


def _status(palermo: Palermo) -> dict[str, Any]:
    """The `status` query, as the README runs it; its answer follows `QueryResult`."""
    outcome = _temporal(palermo, "workflow", "query", "--workflow-id", WORKFLOW, "--type", "status")
    assert outcome.code == 0, outcome
    status: dict[str, Any] = json.loads(outcome.stdout[outcome.stdout.index("{") :])
    return status


def test_the_stock_temporal_client_drives_a_case_as_the_readme_documents(palermo: Palermo) -> None:
    started = _temporal(
        palermo,
        *("workflow", "start", "--type", "Engagement", "--task-queue", "palermo-engagements"),
        *("--workflow-id", WORKFLOW),
        "--input",
        '{"state":"PER","open":{"state":"PER","effective_date":"2001-10-01","instruments":["convention"]}}',
    )
    assert started.code == 0, started
    signalled = _temporal(
        palermo,
        *("workflow", "signal", "--workflow-id", WORKFLOW, "--name", "focal_point"),
        *("--input", '{"state":"PER","effective_date":"2002-01-10","focal_point":{"name":"R. Soto"}}'),
    )
    assert signalled.code == 0, signalled
    updated = _temporal(
        palermo,
        *("workflow", "update", "execute", "--workflow-id", WORKFLOW, "--name", "law_summary"),
        *("--input", '{"state":"PER","effective_date":"2002-01-12","document":"PER/2002/7"}'),
    )
    assert updated.code == 0, updated
    assert "PER/2002/7" in updated.stdout
    assert "R. Soto" in updated.stdout

    refused_update = _temporal(
        palermo,
        *("workflow", "update", "execute", "--workflow-id", WORKFLOW, "--name", "training"),
        *("--input", '{"state":"PER","effective_date":"2002-01-12"}'),
    )
    assert refused_update.code != 0, refused_update
    assert "The training step of PER needs legislation first" in refused_update.stderr

    # A signal answers nothing: the client succeeds, and the refusal is kept for the status query.
    refused_signal = _temporal(
        palermo,
        *("workflow", "signal", "--workflow-id", WORKFLOW, "--name", "legislation"),
        *("--input", '{"state":"PER","effective_date":"2002-01-14"}'),
    )
    assert refused_signal.code == 0, refused_signal
    deadline = time.monotonic() + 20
    while not (status := _status(palermo))["refusals"] and time.monotonic() < deadline:
        time.sleep(0.3)
    [refusal] = status["refusals"]
    assert refusal["kind"] == "legislation"
    assert refusal["reason"] == "The legislation step of PER needs assistance first."
    case = status["case"]
    assert (case["state"], case["status"], case["stage"]) == ("PER", "open", "gap_list")
    assert case["completed_steps"] == ["request", "law_summary", "focal_point"]

    history = palermo.history("PER")
    assert [(e["type"], e["effective_date"]) for e in history] == [
        ("RequestReceived", "2001-10-01"),
        ("FocalPointNamed", "2002-01-10"),
        ("LawSummaryReceived", "2002-01-12"),
    ]
    assert [e["version"] for e in history] == [1, 2, 3]
