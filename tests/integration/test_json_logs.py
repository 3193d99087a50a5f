"""Structured logs: each step the worker records or refuses is one JSON line with its case, its command id
and, with tracing on, the trace it belongs to."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.engagement_activities import CaseCommand, EngagementActivities
from activities.engagements import Engagements
from domain.commands import OpenEngagement, RecordTraining
from domain.values import Instrument
from usecases.logs import JsonLines
from usecases.settings import Settings


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("palermo")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)


def test_each_step_is_one_json_line_with_its_case_command_id_and_trace(
    tmp_path: Path, lines: io.StringIO
) -> None:
    worker = EngagementActivities(Engagements(Settings(home=tmp_path).store_env("Engagements")))
    opening = OpenEngagement(
        state="PER",
        effective_date=date(2001, 9, 3),
        instruments=(Instrument.CONVENTION,),
        command_id="open-1",
    )
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("web request") as span:
        ActivityEnvironment().run(worker.record_command, CaseCommand(command=opening))
    early = RecordTraining(state="PER", effective_date=date(2002, 1, 1), command_id="training-1")
    with pytest.raises(ApplicationError):
        ActivityEnvironment().run(worker.record_command, CaseCommand(command=early))

    recorded, refused = (json.loads(line) for line in lines.getvalue().splitlines())
    assert recorded["message"] == "step recorded"
    assert (recorded["case"], recorded["command"], recorded["command_id"]) == ("PER", "open", "open-1")
    assert recorded["version"] == 1
    assert recorded["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert refused["message"] == "step refused"
    assert (refused["case"], refused["command_id"]) == ("PER", "training-1")
    assert "training" in refused["reason"].lower()
    assert "trace_id" not in refused
