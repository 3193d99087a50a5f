"""Traces with OpenTelemetry, off unless PALERMO_TRACING names where spans go: one trace from a web request
through the workflow update and its activity to the stored event."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from temporalio.client import Interceptor
from temporalio.contrib.opentelemetry import TracingInterceptor

from usecases.settings import Settings


def tracing_on(settings: Settings) -> bool:
    return settings.tracing != "off"


def install(settings: Settings, service: str) -> None:
    """Send this process's spans where the settings say (`console`: JSON on standard error), once."""
    if not tracing_on(settings) or isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(provider)


def interceptors(settings: Settings) -> Sequence[Interceptor]:
    """The Temporal client's interceptors: with tracing on, each update, workflow and activity is a span
    whose context travels in the Temporal headers (a worker on that client takes them up too)."""
    return [TracingInterceptor()] if tracing_on(settings) else []
