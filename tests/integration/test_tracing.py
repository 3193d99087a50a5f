"""Tracing on: one trace runs from the web request through the workflow update and its activity to the
stored event; off (the default), nothing is traced."""

from __future__ import annotations

import random
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.testing import WorkflowEnvironment

from domain.regions import REGION_OF
from domain.user import Role
from tests.integration.web_app import running_web_app
from usecases.settings import Settings
from usecases.tracing import interceptors

OFFICER = "officer"


def exporter() -> InMemorySpanExporter:
    """Spans kept in memory, from this process's tracer provider (set once per process)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    assert isinstance(provider, TracerProvider)
    kept = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(kept))
    return kept


async def test_a_step_is_one_trace_from_web_request_to_stored_event(
    temporal_env_dev: WorkflowEnvironment, tmp_path: Path
) -> None:
    kept = exporter()
    state = random.choice(sorted(REGION_OF))
    async with running_web_app(temporal_env_dev, tmp_path, interceptors=[TracingInterceptor()]) as web:
        web.add_user(OFFICER, Role.OFFICER, states=(state,))
        kept.clear()
        opened = await web.api(
            "POST", "/api/cases", OFFICER, json={"state": state, "instruments": ["convention"]}
        )
        assert opened.status_code == 201, opened.text

    spans = kept.get_finished_spans()
    stored = [s for s in spans if s.name == "store event"]
    assert len(stored) == 1, [s.name for s in spans]
    assert stored[0].attributes is not None
    assert stored[0].attributes["palermo.state"] == state
    trace_id = stored[0].context.trace_id
    in_trace = {s.name for s in spans if s.context.trace_id == trace_id}
    assert "POST /api/cases" in in_trace, in_trace
    assert any(
        name.startswith("StartWorkflowUpdate") or name.startswith("StartUpdateWithStartWorkflow")
        for name in in_trace
    ), in_trace
    assert any(name.startswith("HandleUpdate:open") for name in in_trace), in_trace
    assert any(name.startswith("RunActivity:record_command") for name in in_trace), in_trace


def test_tracing_is_off_unless_asked_for() -> None:
    assert interceptors(Settings()) == []
    assert len(interceptors(Settings(tracing="console"))) == 1
